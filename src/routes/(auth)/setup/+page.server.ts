import { fail, redirect } from '@sveltejs/kit';
import { setupInputSchema } from '$lib/server/accounts/account-schemas';
import { isSetUp, setUp } from '$lib/server/accounts/accounts-service';
import { codeOf } from '$lib/server/workspaces/workspaces-service';
import { requestOrigin } from '$lib/server/api/request-origin';
import { PASSWORD_MIN_LENGTH } from '$lib/server/auth/password';
import { setSessionCookie } from '$lib/server/auth/session-cookie';
import { getRuntime } from '$lib/server/runtime';
import { isLocale } from '$lib/shared/locale';
import { fieldErrorsOf, type FieldErrors } from '$lib/shared/form-errors';
import type { Actions, PageServerLoad } from './$types';

/** Only on first run: once anyone has an account, this page is gone. */
export const load: PageServerLoad = async () => {
  if (await isSetUp(await getRuntime())) redirect(303, '/');
  return { passwordMinLength: PASSWORD_MIN_LENGTH };
};

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

export const actions: Actions = {
  /**
   * Creates the owner and the first workspace through the same service as `POST /api/v1/setup`,
   * signs the owner in and opens the new board.
   */
  default: async (event) => {
    const form = await event.request.formData();
    // Sent back on failure to refill the form; the passwords never are.
    const values = {
      name: text(form, 'name'),
      email: text(form, 'email'),
      workspaceName: text(form, 'workspaceName'),
      demo: form.get('demo') === 'on'
    };
    const password = text(form, 'password');
    const parsed = setupInputSchema.safeParse({ ...values, password });
    const errors: FieldErrors = parsed.success ? {} : fieldErrorsOf(parsed.error);
    if (!errors['password'] && password !== text(form, 'confirmPassword')) {
      errors['confirmPassword'] = { key: 'auth.error.mismatch' };
    }
    if (!parsed.success || Object.keys(errors).length > 0) {
      return fail(400, { values, errors, formError: null });
    }
    const runtime = await getRuntime();
    // The page's language (sent by the form) wins over the negotiated one: the switcher may have
    // changed it in a browser that keeps no cookie.
    const shown = form.get('locale');
    const locale = isLocale(shown) ? shown : event.locals.locale;
    let workspaceId: string;
    try {
      const result = await setUp(runtime, parsed.data, requestOrigin(event), locale);
      setSessionCookie(event.cookies, result.token, result.session.expiresAt, event.url);
      workspaceId = result.workspace.id;
    } catch (error) {
      const code = codeOf(error);
      if (code === 'setup_done')
        return fail(409, { values, errors, formError: 'setup_done' as const });
      if (code === 'rate_limited') {
        return fail(429, { values, errors, formError: 'rate_limited' as const });
      }
      throw error;
    }
    redirect(303, `/w/${encodeURIComponent(workspaceId)}/board`);
  }
};
