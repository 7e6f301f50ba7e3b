/**
 * Cross-site request forgery: the origin check SvelteKit does for form posts
 * (`src/runtime/server/respond.js`), done here instead so the API can answer in its own JSON
 * error shape and tell token-authenticated scripts from browsers. svelte.config.js switches
 * SvelteKit's check off (`csrf.trustedOrigins: ['*']`); this one must stay at least as strict.
 *
 * A browser sends a form (or a `text/plain` "simple request") to any site without a CORS
 * preflight, with the target's cookies attached. So a state-changing request with such a body
 * is refused unless its `Origin` is our own. The only exception is a request that carries
 * `Authorization: Bearer …`: a browser can only add that header after a CORS preflight, which
 * this server never grants, and the session step ignores the cookie whenever the header is
 * present (hooks.server.ts), so no ambient credential is involved.
 */
import { json, text } from '@sveltejs/kit';
import { errorBody } from '$lib/server/api/errors';
import { bearerToken } from '../auth/authenticate';

/** Content types a cross-site page can send without a preflight (form enctypes). */
const FORM_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
  // SvelteKit's binary form encoding (remote form functions).
  'application/x-sveltekit-formdata'
]);

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether the request body has a content type that HTML forms can produce. */
export function isFormContentType(request: Request): boolean {
  const mediaType = request.headers.get('content-type')?.split(';', 1)[0]?.trim() ?? '';
  return FORM_CONTENT_TYPES.has(mediaType.toLowerCase());
}

/**
 * The refusal of a cross-site form submission, or null when the request may go on: JSON
 * `{ error: { code: "cross_site_request" } }` under `/api/`, SvelteKit's plain text elsewhere.
 */
export function refuseCrossSiteForm(request: Request, url: URL): Response | null {
  if (!UNSAFE_METHODS.has(request.method) || !isFormContentType(request)) return null;
  const origin = request.headers.get('origin');
  if (origin === url.origin) return null;
  // Hooks take no ambient credential (no cookie is read): a chat posts its button press as a
  // form, authorised by the signed token in it (alerts-api.ts).
  if (url.pathname.startsWith('/api/v1/hooks/')) return null;
  if (bearerToken(request.headers.get('authorization')) !== null) return null;
  const message = `Cross-site ${request.method} form submissions are forbidden`;
  if (url.pathname.startsWith('/api/')) {
    return json(errorBody('cross_site_request', message), {
      status: 403,
      headers: { 'cache-control': 'no-store' }
    });
  }
  if (request.headers.get('accept') === 'application/json') {
    return json({ message }, { status: 403 });
  }
  return text(message, { status: 403 });
}
