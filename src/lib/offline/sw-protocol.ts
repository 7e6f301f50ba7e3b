/**
 * What the pages and the service worker (src/service-worker.ts) tell each other, and which
 * requests the worker never caches. Framework-free and dependency-free: it is bundled into the
 * worker as well as into the app.
 */

/** A page asks the worker to keep an offline copy of a page it showed (client-side navigation). */
export interface CachePageMessage {
  type: 'cache-page';
  /** Same-origin URL of the page (path and query). */
  url: string;
}

/** Every message a page may post to the worker. */
export type ServiceWorkerMessage = CachePageMessage;

/** True when `value` is a message this protocol knows (the worker checks what it receives). */
export function isServiceWorkerMessage(value: unknown): value is ServiceWorkerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  return message.type === 'cache-page' && typeof message.url === 'string';
}

/**
 * Paths whose responses are never cached: the API, the websocket endpoint, sign-in and sign-out,
 * first-run setup, probes and metrics. Prefixes match the path itself, below it (`/api/…`) and
 * with an extension (`/login.json`).
 */
export const NEVER_CACHE_PATHS = [
  '/api',
  '/sync',
  '/auth',
  '/login',
  '/logout',
  '/setup',
  '/invite',
  '/healthz',
  '/readyz',
  '/metrics'
] as const;

/** True when `pathname` lies under one of `NEVER_CACHE_PATHS`. */
export function isNeverCached(pathname: string): boolean {
  return NEVER_CACHE_PATHS.some(
    (prefix) =>
      pathname === prefix || pathname.startsWith(prefix + '/') || pathname.startsWith(prefix + '.')
  );
}

/**
 * A workspace file (runbook images): `/api/v1/workspaces/<ws>/files/<sha256>`. The one API route
 * the worker caches: the bytes under an id never change, so a kept copy is never stale, and
 * without it a runbook opened offline shows broken images.
 */
const FILE_PATH = /^\/api\/v1\/workspaces\/[^/]+\/files\/[0-9a-f]{64}$/;

/** True when `pathname` is a workspace file, which the worker keeps (see `FILE_PATH`). */
export function isWorkspaceFile(pathname: string): boolean {
  return FILE_PATH.test(pathname);
}

/**
 * Requests that end or start a session: the worker empties its page cache when it sees one, so
 * pages rendered for one user are never shown to the next one on a shared device. Sign-in
 * counts too, since a session may also end by expiring. POSTs, except the single sign-on
 * callback, which is a GET navigation.
 */
export const SESSION_CHANGE_POSTS = [
  '/login',
  '/logout',
  '/api/v1/auth/login',
  '/api/v1/auth/logout'
] as const;

/** The single sign-on callback (a GET) that starts a session. */
export const SESSION_CHANGE_GET = '/auth/oidc/callback';

/** True when `method` on `pathname` signs someone in or out (see `SESSION_CHANGE_POSTS`). */
export function changesSession(method: string, pathname: string): boolean {
  if (method === 'GET') return pathname === SESSION_CHANGE_GET;
  return method === 'POST' && (SESSION_CHANGE_POSTS as readonly string[]).includes(pathname);
}

/** Suffix of SvelteKit's data requests for client-side navigation. */
export const DATA_SUFFIX = '/__data.json';

/** The workspace id of a `/w/<ws>/…` path, else null. */
export function workspaceOfPagePath(pathname: string): string | null {
  const match = /^\/w\/([^/]+)(?:\/|$)/.exec(pathname);
  return match?.[1] ?? null;
}
