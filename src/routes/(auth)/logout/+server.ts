import { redirect } from '@sveltejs/kit';
import { signOut } from '$lib/server/accounts/accounts-service';
import { requestOrigin } from '$lib/server/api/request-origin';
import { clearSessionCookie } from '$lib/server/auth/session-cookie';
import { getRuntime } from '$lib/server/runtime';
import type { RequestHandler } from './$types';

/**
 * The sign-out button of the app (a plain form post, so the next page is a full load with no
 * state of the old session left in memory). SvelteKit refuses cross-site form posts, so another
 * site cannot sign a user out.
 */
export const POST: RequestHandler = async (event) => {
  const caller = event.locals.caller;
  if (caller?.kind === 'session') {
    await signOut(await getRuntime(), caller.user, caller.session.id, requestOrigin(event));
  }
  clearSessionCookie(event.cookies, event.url);
  redirect(303, '/login?signedOut=1');
};
