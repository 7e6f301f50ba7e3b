import { fail, redirect } from '@sveltejs/kit';
import { loginInputSchema } from '$lib/server/accounts/account-schemas';
import { signIn } from '$lib/server/accounts/accounts-service';
import { codeOf } from '$lib/server/workspaces/workspaces-service';
import { requestOrigin } from '$lib/server/api/request-origin';
import { oidcLoginOption, safeNextPath } from '$lib/server/auth/oidc';
import { setSessionCookie } from '$lib/server/auth/session-cookie';
import { getRuntime } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

/** A signed-in visitor goes on at once; others get the form (and the SSO button when on). */
export const load: PageServerLoad = async ({ locals, url }) => {
  const next = safeNextPath(url.searchParams.get('next'));
  if (locals.caller) redirect(303, next);
  return {
    next,
    sso: await oidcLoginOption(next),
    oidcFailed: url.searchParams.get('error') === 'oidc',
    signedOut: url.searchParams.has('signedOut')
  };
};

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

export const actions: Actions = {
  /** Signs in through the same service as `POST /api/v1/auth/login`, then goes to `next`. */
  default: async (event) => {
    const form = await event.request.formData();
    const email = text(form, 'email');
    const next = safeNextPath(text(form, 'next'));
    // The password is never sent back to the page, not even on failure.
    const parsed = loginInputSchema.safeParse({ email, password: text(form, 'password') });
    if (!parsed.success) return fail(400, { email, error: 'required' as const });
    const caller = event.locals.caller;
    try {
      const { token, session } = await signIn(
        await getRuntime(),
        parsed.data,
        requestOrigin(event),
        caller?.kind === 'session' ? caller.session.id : null
      );
      setSessionCookie(event.cookies, token, session.expiresAt, event.url);
    } catch (error) {
      const code = codeOf(error);
      if (code === 'invalid_credentials') {
        return fail(401, { email, error: 'invalid_credentials' as const });
      }
      if (code === 'rate_limited') {
        const waitMs = (error as { retryAfterMs?: number }).retryAfterMs ?? 60_000;
        const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
        return fail(429, { email, error: 'rate_limited' as const, minutes });
      }
      throw error;
    }
    redirect(303, next);
  }
};
