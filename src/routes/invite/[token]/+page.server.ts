import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import {
  emailSchema,
  newPasswordSchema,
  userNameSchema
} from '$lib/server/accounts/account-schemas';
import { acceptInvite, codeOf, signUpWithInvite } from '$lib/server/workspaces/workspaces-service';
import { loginUrl } from '$lib/server/api/page-access';
import { requestOrigin } from '$lib/server/api/request-origin';
import { PASSWORD_MIN_LENGTH } from '$lib/server/auth/password';
import { setSessionCookie } from '$lib/server/auth/session-cookie';
import { getRuntime } from '$lib/server/runtime';
import type { Actions, PageServerLoad } from './$types';

/** The account form; field errors are codes the page turns into messages. */
const signupSchema = z.object({
  name: userNameSchema,
  email: emailSchema,
  password: newPasswordSchema
});
type SignupField = keyof z.infer<typeof signupSchema>;
type FieldProblem = 'required' | 'invalid' | 'tooShort' | 'tooLong';

function invalidLink(): never {
  error(410, { code: 'invite_invalid', message: 'this invite link is not valid' });
}

function boardPath(workspaceId: string): string {
  return `/w/${encodeURIComponent(workspaceId)}/board`;
}

function fieldProblems(
  issues: readonly z.core.$ZodIssue[]
): Partial<Record<SignupField, FieldProblem>> {
  const problems: Partial<Record<SignupField, FieldProblem>> = {};
  for (const issue of issues) {
    const field = issue.path[0];
    if (field !== 'name' && field !== 'email' && field !== 'password') continue;
    if (problems[field]) continue;
    problems[field] =
      issue.code === 'too_small'
        ? issue.minimum === 1
          ? 'required'
          : 'tooShort'
        : issue.code === 'too_big'
          ? 'tooLong'
          : 'invalid';
  }
  return problems;
}

/**
 * The invite page: which workspace and role the link grants. A dead link (unknown, expired,
 * used up, revoked) renders the invite error page with 410. The token is a secret, so the page
 * is never cached.
 */
export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store' });
  const { accounts } = await getRuntime();
  const invite = await accounts.findInvite(params.token);
  if (!invite) invalidLink();
  const workspace = await accounts.getWorkspace(invite.workspaceId);
  if (!workspace) invalidLink();
  const caller = locals.caller?.kind === 'session' ? locals.caller : null;
  const alreadyMember =
    caller !== null && (await accounts.getMembership(workspace.id, caller.user.id)) !== null;
  return {
    workspace: { id: alreadyMember ? workspace.id : null, name: workspace.name },
    role: invite.role,
    expiresAt: new Date(invite.expiresAt).toISOString(),
    user: caller ? { name: caller.user.name, email: caller.user.email } : null,
    alreadyMember,
    passwordMinLength: PASSWORD_MIN_LENGTH
  };
};

export const actions: Actions = {
  /** A signed-in user joins with the link. */
  accept: async (event) => {
    const caller = event.locals.caller?.kind === 'session' ? event.locals.caller : null;
    if (!caller) redirect(303, loginUrl(event.url));
    const runtime = await getRuntime();
    let workspaceId: string;
    try {
      workspaceId = (
        await acceptInvite(runtime, caller.user, event.params.token, requestOrigin(event))
      ).workspaceId;
    } catch (failure) {
      const code = codeOf(failure);
      if (code === 'already_member') {
        const invite = await runtime.accounts.findInvite(event.params.token);
        if (invite) redirect(303, boardPath(invite.workspaceId));
      }
      if (code === 'invite_invalid' || code === 'already_member') {
        return fail(410, { problem: 'invalid' as const });
      }
      throw failure;
    }
    redirect(303, boardPath(workspaceId));
  },

  /** An anonymous visitor creates an account, is signed in, and joins with the link. */
  signup: async (event) => {
    if (event.locals.caller) return fail(400, { problem: 'signedIn' as const });
    const form = await event.request.formData();
    const raw = {
      name: String(form.get('name') ?? ''),
      email: String(form.get('email') ?? '').trim(),
      password: String(form.get('password') ?? '')
    };
    // Typed values come back so the form keeps them; the password never does.
    const values = { name: raw.name, email: raw.email };
    const parsed = signupSchema.safeParse(raw);
    if (!parsed.success) {
      return fail(400, { values, fields: fieldProblems(parsed.error.issues) });
    }
    const runtime = await getRuntime();
    let result: Awaited<ReturnType<typeof signUpWithInvite>>;
    try {
      result = await signUpWithInvite(
        runtime,
        parsed.data,
        event.params.token,
        requestOrigin(event)
      );
    } catch (failure) {
      const code = codeOf(failure);
      if (code === 'email_taken') return fail(409, { values, problem: 'emailTaken' as const });
      if (code === 'invite_invalid') return fail(410, { problem: 'invalid' as const });
      if (code === 'rate_limited') {
        const waitMs = (failure as { retryAfterMs?: unknown }).retryAfterMs;
        const minutes = typeof waitMs === 'number' ? Math.max(1, Math.ceil(waitMs / 60_000)) : 1;
        return fail(429, { values, problem: 'rateLimited' as const, minutes });
      }
      throw failure;
    }
    setSessionCookie(event.cookies, result.sessionToken, result.expiresAt, event.url);
    if (result.workspaceId === null) return fail(410, { problem: 'usedUp' as const });
    redirect(303, boardPath(result.workspaceId));
  }
};
