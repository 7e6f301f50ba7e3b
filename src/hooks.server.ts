/**
 * Server hooks: every request passes through `handle` (a sequence, so the session check can
 * slot in as one more step), and unexpected errors through `handleError`.
 */
import {
  isHttpError,
  isRedirect,
  redirect,
  type Handle,
  type HandleServerError
} from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { LOCALE_COOKIE, negotiateLocale } from '$lib/shared/locale';
import { createLogger, type Logger } from '$lib/server/log';
import { getRuntime } from '$lib/server/runtime';
import { SESSION_COOKIE, authenticate, bearerToken } from '$lib/server/auth/authenticate';
import { SESSION_TTL_MS } from '$lib/server/accounts/accounts-store';
import { clearSessionCookie, setSessionCookie } from '$lib/server/auth/session-cookie';
import { rememberWorkspace, workspaceOfPath } from '$lib/server/auth/last-workspace';
import { loginUrl } from '$lib/server/api/page-access';
import { refuseCrossSiteForm } from '$lib/server/api/cross-site';
import { THEME_COOKIE, themeColors, themeFromCookie } from '$lib/theme/themes';

/**
 * HTTP metrics (docs/metrics.md): every request counted and timed by method, SvelteKit route id
 * (never the raw path: bounded label values) and status class, on this node's registry. First in
 * the sequence, so redirects and errors of the later steps are counted with their status.
 */
const handleMetrics: Handle = async ({ event, resolve }) => {
  const started = performance.now();
  const observe = async (status: number) => {
    const seconds = (performance.now() - started) / 1000;
    (await getRuntime()).metrics.observeRequest(
      event.request.method,
      event.route.id,
      status,
      seconds
    );
  };
  try {
    const response = await resolve(event);
    await observe(response.status);
    return response;
  } catch (error) {
    await observe(isRedirect(error) ? error.status : isHttpError(error) ? error.status : 500);
    throw error;
  }
};

/**
 * Cross-site form posts are refused before the session is even looked at (SvelteKit's own check is off in
 * svelte.config.js; this one replaces it, with JSON errors under /api/ and a pass for bearer
 * tokens, which no browser attaches cross-site).
 */
const handleCsrf: Handle = ({ event, resolve }) =>
  refuseCrossSiteForm(event.request, event.url) ?? resolve(event);

/**
 * The UI language: the `locale` cookie, else Accept-Language. Rendered into `<html lang>`
 * here, so the first byte of the page already carries it (app.html has `lang="%lang%"`).
 */
const handleLocale: Handle = ({ event, resolve }) => {
  const locale = negotiateLocale(
    event.request.headers.get('accept-language'),
    event.cookies.get(LOCALE_COOKIE)
  );
  event.locals.locale = locale;
  return resolve(event, {
    transformPageChunk: ({ html }) => html.replace('%lang%', locale)
  });
};

/**
 * The colour theme from the `theme` cookie, rendered into `<html data-theme>` and the
 * `theme-color` metas of app.html, so a page never flashes in the other palette before scripts
 * run. Following the system (no cookie, or an unknown value) needs no attribute at all.
 */
const handleTheme: Handle = ({ event, resolve }) => {
  const theme = themeFromCookie(event.cookies.get(THEME_COOKIE));
  const colors = themeColors(theme);
  return resolve(event, {
    transformPageChunk: ({ html }) => {
      const page = html
        .replace('%theme-color-light%', colors.light)
        .replace('%theme-color-dark%', colors.dark);
      return theme === 'system'
        ? page
        : page.replace('<html lang=', `<html data-theme="${theme}" lang=`);
    }
  });
};

/**
 * Headers for every page and API response. The Content-Security-Policy comes from `kit.csp` in
 * svelte.config.js (SvelteKit hashes its inline bootstrap); static assets get the first two from
 * entries/main.ts.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
  // Clickjacking: no page of the app may be framed (old browsers read X-Frame-Options).
  'X-Frame-Options': 'DENY'
};

const handleSecurityHeaders: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    // A Response from `fetch` has immutable headers; adding ours must not turn it into a 500.
    try {
      if (!response.headers.has(name)) response.headers.set(name, value);
    } catch {
      break;
    }
  }
  return response;
};

/** Paths that work before the first account exists. */
const FIRST_RUN_PATHS = [
  '/setup',
  '/api/',
  '/healthz',
  '/readyz',
  '/metrics',
  '/_app/',
  '/favicon'
];
let setupDone = false;

/**
 * Who is calling, on every request (not only in a layout): an API token (`Authorization:
 * Bearer`) or the session cookie, validated with constant-time comparison and sliding expiry.
 * Result in `event.locals.caller`; each route still checks what the caller may do.
 */
const handleSession: Handle = async ({ event, resolve }) => {
  const runtime = await getRuntime();
  const apiToken = bearerToken(event.request.headers.get('authorization'));
  const sessionToken = apiToken ? null : (event.cookies.get(SESSION_COOKIE) ?? null);
  const caller = await authenticate(runtime.accounts, { sessionToken, apiToken });
  if (sessionToken && !caller) clearSessionCookie(event.cookies, event.url);
  if (caller?.kind === 'session' && sessionToken) {
    // Re-issue the cookie when the session was just extended, so both expire together.
    const remaining = caller.session.expiresAt - Date.now();
    if (remaining > SESSION_TTL_MS - 60_000) {
      setSessionCookie(event.cookies, sessionToken, caller.session.expiresAt, event.url);
    }
  }
  event.locals.caller = caller;

  // First run: with no users, every page leads to the setup page.
  if (!setupDone) {
    if ((await runtime.accounts.countUsers()) > 0) setupDone = true;
    else if (!FIRST_RUN_PATHS.some((p) => event.url.pathname.startsWith(p)))
      redirect(303, '/setup');
  }
  return resolve(event);
};

/**
 * Pages anonymous visitors may open. Everything else is an app page and sends them to sign in
 * first: deny by default, so a new page is protected without anyone remembering to. The API
 * answers 401 itself, and the websocket checks on its upgrade.
 */
const PUBLIC_PATHS = [
  '/login',
  '/setup',
  '/logout',
  '/invite/',
  '/auth/',
  '/api/',
  '/healthz',
  '/readyz',
  '/metrics',
  '/_app/',
  '/favicon',
  '/robots.txt'
];

/** Whether `pathname` is `prefix` itself or lies below it. */
function isUnder(pathname: string, prefix: string): boolean {
  if (prefix.endsWith('/')) return pathname.startsWith(prefix);
  return (
    pathname === prefix || pathname.startsWith(prefix + '/') || pathname.startsWith(prefix + '.')
  );
}

/**
 * After the session step: anonymous visitors of app pages go to `/login?next=<page>`; a
 * signed-in visitor of a workspace page has it remembered for `/` (cookie `rb_last_ws`).
 */
const handlePageAccess: Handle = ({ event, resolve }) => {
  const { pathname } = event.url;
  if (!event.locals.caller) {
    if (!PUBLIC_PATHS.some((prefix) => isUnder(pathname, prefix))) {
      redirect(303, loginUrl(event.url));
    }
  } else {
    const workspaceId = workspaceOfPath(pathname);
    if (workspaceId !== null) rememberWorkspace(event.cookies, workspaceId, event.url);
  }
  return resolve(event);
};

export const handle: Handle = sequence(
  handleMetrics,
  handleLocale,
  handleTheme,
  handleSecurityHeaders,
  handleCsrf,
  handleSession,
  handlePageAccess
);

let fallbackLogger: Logger | undefined;

async function errorLogger(): Promise<Logger> {
  try {
    return (await getRuntime()).logger;
  } catch {
    // The runtime is missing only in unusual setups (e.g. `vite preview`); still log.
    fallbackLogger ??= createLogger();
    return fallbackLogger;
  }
}

/**
 * Unexpected errors (thrown, not `error()`-ed): logged with their stack on the server; the
 * client gets a stable code and SvelteKit's generic message ("Internal Error", "Not Found"),
 * never the stack or the original message, which may hold internals.
 */
export const handleError: HandleServerError = async ({ error, event, status, message }) => {
  // Unknown routes land here too; they are not failures worth a log line.
  if (status === 404) return { code: 'not_found', message };
  const logger = await errorLogger();
  logger.error('request failed', {
    method: event.request.method,
    path: event.url.pathname,
    status,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error)
  });
  return { code: status >= 500 ? 'internal_error' : 'bad_request', message };
};
