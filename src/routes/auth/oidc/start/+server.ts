import { error, redirect } from '@sveltejs/kit';
import {
  OIDC_FAILURE_PATH,
  OIDC_FLOW_COOKIE,
  flowCookieOptions,
  getOidcSignIn
} from '$lib/server/auth/oidc';
import type { RequestHandler } from './$types';

/** Starts single sign-on: remembers state, nonce and PKCE verifier, redirects to the provider. */
export const GET: RequestHandler = async ({ url, cookies }) => {
  const signIn = await getOidcSignIn();
  if (!signIn) error(404, { code: 'not_found', message: 'single sign-on is not configured' });
  const started = await signIn.begin(url.searchParams.get('next'));
  if (!started.ok) redirect(303, OIDC_FAILURE_PATH);
  cookies.set(OIDC_FLOW_COOKIE, started.flowCookie, flowCookieOptions(url.protocol === 'https:'));
  redirect(303, started.authorizationUrl.href);
};
