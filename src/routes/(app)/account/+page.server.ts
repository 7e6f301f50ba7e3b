import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import {
  passwordChangeSchema,
  profilePatchSchema,
  tokenCreateSchema
} from '$lib/server/accounts/account-schemas';
import {
  changePassword,
  listOwnSessions,
  revokeOtherSessions,
  revokeOwnSession,
  updateProfile,
  createApiToken,
  listApiTokens,
  revokeApiToken
} from '$lib/server/accounts/accounts-service';
import { codeOf } from '$lib/server/workspaces/workspaces-service';
import { requestOrigin } from '$lib/server/api/request-origin';
import { loginUrl } from '$lib/server/api/page-access';
import { PASSWORD_MIN_LENGTH } from '$lib/server/auth/password';
import { getRuntime } from '$lib/server/runtime';
import { fieldErrorsOf, type FieldErrors } from '$lib/shared/form-errors';
import type { Actions, PageServerLoad } from './$types';

/** The caller's session; account pages need one (an API token cannot manage the account). */
function requirePageSession(event: Pick<RequestEvent, 'locals' | 'url'>) {
  const caller = event.locals.caller;
  if (caller?.kind !== 'session') redirect(303, loginUrl(event.url));
  return caller;
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

// Each action answers with one shape, success or not, so the page can read `form` by `action`.

function profileResult(ok: boolean, name: string, errors: FieldErrors) {
  return { action: 'profile' as const, ok, name, errors };
}

function passwordResult(
  result: Partial<{
    ok: boolean;
    endedSessions: number;
    errors: FieldErrors;
    formError: 'wrong_password' | 'rate_limited';
  }>
) {
  return {
    action: 'password' as const,
    ok: result.ok ?? false,
    endedSessions: result.endedSessions ?? 0,
    errors: result.errors ?? {},
    formError: result.formError ?? null
  };
}

function sessionsResult(ok: boolean, revoked: number, others: boolean) {
  return { action: 'sessions' as const, ok, revoked, others };
}

interface TokenFormValues {
  name: string;
  workspaceId: string;
  expiresOn: string;
}

function tokenResult(result: {
  values: TokenFormValues;
  errors?: FieldErrors;
  created?: { id: string; name: string; token: string };
}) {
  return {
    action: 'createToken' as const,
    ok: result.created !== undefined,
    values: result.values,
    errors: result.errors ?? {},
    created: result.created ?? null
  };
}

/** Profile, sessions and tokens of the signed-in user; times stay epoch milliseconds. */
export const load: PageServerLoad = async (event) => {
  const caller = requirePageSession(event);
  const runtime = await getRuntime();
  const [sessions, tokens, workspaces] = await Promise.all([
    listOwnSessions(runtime, caller.user.id, caller.session.id),
    listApiTokens(runtime, caller.user.id),
    runtime.accounts.listWorkspaces(caller.user.id)
  ]);
  return {
    user: { id: caller.user.id, name: caller.user.name, email: caller.user.email },
    sessions: sessions.map((s) => ({
      id: s.id,
      current: s.current,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      ip: s.ip,
      userAgent: s.userAgent
    })),
    // Revoked tokens are history; the list shows what still works (or expired on its own).
    tokens: tokens
      .filter((token) => token.revokedAt === null)
      .map((token) => ({
        id: token.id,
        name: token.name,
        workspaceId: token.workspaceId,
        workspaceName: token.workspaceName,
        createdAt: token.createdAt,
        expiresAt: token.expiresAt,
        lastUsedAt: token.lastUsedAt
      })),
    workspaces: workspaces.map((w) => ({ id: w.id, name: w.name })),
    passwordMinLength: PASSWORD_MIN_LENGTH,
    now: Date.now()
  };
};

export const actions: Actions = {
  /** Changes the display name. */
  profile: async (event) => {
    const caller = requirePageSession(event);
    const form = await event.request.formData();
    const name = text(form, 'name');
    const parsed = profilePatchSchema.safeParse({ name });
    if (!parsed.success) {
      return fail(400, profileResult(false, name, fieldErrorsOf(parsed.error)));
    }
    await updateProfile(await getRuntime(), caller.user, parsed.data, requestOrigin(event));
    return profileResult(true, parsed.data.name, {});
  },

  /** Changes the password (checking the current one) and signs out every other device. */
  password: async (event) => {
    const caller = requirePageSession(event);
    const form = await event.request.formData();
    const input = {
      currentPassword: text(form, 'currentPassword'),
      newPassword: text(form, 'newPassword')
    };
    const parsed = passwordChangeSchema.safeParse(input);
    const errors: FieldErrors = parsed.success ? {} : fieldErrorsOf(parsed.error);
    if (!errors['newPassword'] && input.newPassword !== text(form, 'confirmPassword')) {
      errors['confirmPassword'] = { key: 'auth.error.mismatch' };
    }
    if (!parsed.success || Object.keys(errors).length > 0) {
      return fail(400, passwordResult({ errors }));
    }
    try {
      const { endedSessions } = await changePassword(
        await getRuntime(),
        caller.user,
        caller.session.id,
        parsed.data,
        requestOrigin(event)
      );
      return passwordResult({ ok: true, endedSessions });
    } catch (error) {
      const code = codeOf(error);
      if (code === 'wrong_password' || code === 'rate_limited') {
        return fail(code === 'wrong_password' ? 403 : 429, passwordResult({ formError: code }));
      }
      throw error;
    }
  },

  /** Signs out one device. */
  revokeSession: async (event) => {
    const caller = requirePageSession(event);
    const form = await event.request.formData();
    const sessionId = text(form, 'sessionId');
    try {
      await revokeOwnSession(await getRuntime(), caller.user, sessionId, requestOrigin(event));
    } catch (error) {
      if (codeOf(error) === 'not_found') return fail(404, sessionsResult(false, 0, false));
      throw error;
    }
    if (sessionId === caller.session.id) redirect(303, '/login?signedOut=1');
    return sessionsResult(true, 1, false);
  },

  /** Signs out every other device. */
  revokeOthers: async (event) => {
    const caller = requirePageSession(event);
    const revoked = await revokeOtherSessions(
      await getRuntime(),
      caller.user,
      caller.session.id,
      requestOrigin(event)
    );
    return sessionsResult(true, revoked, true);
  },

  /** Creates an API token; the secret is in this one response and nowhere else. */
  createToken: async (event) => {
    const caller = requirePageSession(event);
    const form = await event.request.formData();
    const values = {
      name: text(form, 'name'),
      workspaceId: text(form, 'workspaceId'),
      expiresOn: text(form, 'expiresOn')
    };
    // A date input gives a day: the token works until the end of it (UTC).
    const expiresAt = /^\d{4}-\d{2}-\d{2}$/.test(values.expiresOn)
      ? `${values.expiresOn}T23:59:59.999Z`
      : null;
    const parsed = tokenCreateSchema.safeParse({
      name: values.name,
      workspaceId: values.workspaceId,
      expiresAt
    });
    const errors: FieldErrors = parsed.success ? {} : fieldErrorsOf(parsed.error);
    if (values.expiresOn !== '' && expiresAt === null) {
      errors['expiresAt'] = { key: 'tokens.error.expiryPast' };
    }
    if (!parsed.success || Object.keys(errors).length > 0) {
      return fail(400, tokenResult({ errors, values }));
    }
    try {
      const { token, apiToken } = await createApiToken(
        await getRuntime(),
        caller.user,
        parsed.data,
        requestOrigin(event)
      );
      return tokenResult({
        values: { name: '', workspaceId: values.workspaceId, expiresOn: '' },
        created: { id: apiToken.id, name: apiToken.name, token }
      });
    } catch (error) {
      const code = codeOf(error);
      if (code === 'not_found' || code === 'invalid_input') {
        const key = code === 'not_found' ? 'tokens.error.workspace' : 'tokens.error.expiryPast';
        const field = code === 'not_found' ? 'workspaceId' : 'expiresAt';
        return fail(400, tokenResult({ errors: { [field]: { key } }, values }));
      }
      throw error;
    }
  },

  /** Revokes one of the user's tokens. */
  revokeToken: async (event) => {
    const caller = requirePageSession(event);
    const form = await event.request.formData();
    try {
      await revokeApiToken(
        await getRuntime(),
        caller.user,
        text(form, 'tokenId'),
        requestOrigin(event)
      );
    } catch (error) {
      if (codeOf(error) === 'not_found')
        return fail(404, { action: 'revokeToken' as const, ok: false });
      throw error;
    }
    return { action: 'revokeToken' as const, ok: true };
  }
};
