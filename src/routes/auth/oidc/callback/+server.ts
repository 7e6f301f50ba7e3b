import { error, redirect } from '@sveltejs/kit';
import { requestOrigin } from '$lib/server/api/request-origin';
import {
  OIDC_FAILURE_PATH,
  OIDC_FLOW_COOKIE,
  flowCookieOptions,
  getOidcSignIn
} from '$lib/server/auth/oidc';
import { setSessionCookie } from '$lib/server/auth/session-cookie';
import type { RequestHandler } from './$types';

/** The provider's redirect back: finishes the sign-in, sets the session cookie, goes to `next`. */
export const GET: RequestHandler = async (event) => {
  const { url, cookies } = event;
  const signIn = await getOidcSignIn();
  if (!signIn) error(404, { code: 'not_found', message: 'single sign-on is not configured' });
  const flowCookie = cookies.get(OIDC_FLOW_COOKIE);
  // One attempt per cookie: whatever the outcome, this flow is over, so a replay finds nothing.
  cookies.delete(OIDC_FLOW_COOKIE, flowCookieOptions(url.protocol === 'https:'));
  const caller = event.locals.caller;
  const previousSessionId = caller?.kind === 'session' ? caller.session.id : null;
  const result = await signIn.complete(
    url.searchParams,
    flowCookie,
    requestOrigin(event),
    previousSessionId
  );
  if (!result.ok) redirect(303, OIDC_FAILURE_PATH);
  setSessionCookie(cookies, result.token, result.session.expiresAt, url);
  redirect(303, result.next);
};
