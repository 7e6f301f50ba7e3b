import { fail, redirect } from '@sveltejs/kit';
import { createWorkspace } from '$lib/server/workspaces/workspaces-service';
import { requestOrigin } from '$lib/server/api/request-origin';
import { lastWorkspace } from '$lib/server/auth/last-workspace';
import { getRuntime } from '$lib/server/runtime';
import { fieldErrorsOf } from '$lib/shared/form-errors';
import { workspaceNameSchema } from '$lib/shared/workspaces/schema';
import type { Actions, PageServerLoad } from './$types';

function boardPath(workspaceId: string): string {
  return `/w/${encodeURIComponent(workspaceId)}/board`;
}

/**
 * `/` opens the board of the workspace the user opened last (cookie `rb_last_ws`, honoured only
 * while they are still a member), else their first workspace; with none, a page to create one.
 * Anonymous visitors never get here (hooks.server.ts sends them to sign in).
 */
export const load: PageServerLoad = async ({ locals, cookies }) => {
  const caller = locals.caller;
  if (!caller) redirect(303, '/login');
  const all = await (await getRuntime()).accounts.listWorkspaces(caller.user.id);
  // An API token works in its own workspace only.
  const workspaces =
    caller.kind === 'token' ? all.filter((w) => w.id === caller.apiToken.workspaceId) : all;
  const last = lastWorkspace(cookies);
  const target = workspaces.find((w) => w.id === last) ?? workspaces[0];
  if (target) redirect(303, boardPath(target.id));
  return { userName: caller.user.name };
};

export const actions: Actions = {
  /** Creates a first workspace for a user who has none (the same service as the REST API). */
  create: async (event) => {
    const caller = event.locals.caller;
    if (caller?.kind !== 'session') redirect(303, '/login');
    const form = await event.request.formData();
    const raw = form.get('name');
    const name = typeof raw === 'string' ? raw : '';
    const parsed = workspaceNameSchema.safeParse(name);
    if (!parsed.success) {
      return fail(400, { name, error: fieldErrorsOf(parsed.error)[''] ?? null });
    }
    const workspace = await createWorkspace(
      await getRuntime(),
      { userId: caller.user.id, label: caller.user.email, origin: requestOrigin(event) },
      parsed.data
    );
    redirect(303, boardPath(workspace.id));
  }
};
