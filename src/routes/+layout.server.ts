import { lastWorkspace } from '$lib/server/auth/last-workspace';
import { getRuntime } from '$lib/server/runtime';
import type { WorkspaceSummary } from '$lib/shared/workspaces/schema';
import type { LayoutServerLoad } from './$types';

/**
 * Hands the locale negotiated in hooks.server.ts to the root layout, and the signed-in user's
 * workspaces with their roles for the workspace switcher (empty when signed out), with the one
 * they opened last: pages outside a workspace (account, API docs) show it and lead back to it.
 */
export const load: LayoutServerLoad = async ({ locals, cookies }) => {
  const caller = locals.caller;
  let workspaces: WorkspaceSummary[] = [];
  if (caller?.kind === 'session') {
    const all = await (await getRuntime()).accounts.listWorkspaces(caller.user.id);
    workspaces = all.map(({ id, name, role }) => ({ id, name, role }));
  }
  // Who is signed in, for the user menu.
  const user =
    caller?.kind === 'session' ? { name: caller.user.name, email: caller.user.email } : null;
  // The cookie is only a hint: it counts while the user is still a member (as on `/`).
  const last = lastWorkspace(cookies);
  const lastWorkspaceId = (workspaces.find((w) => w.id === last) ?? workspaces[0])?.id ?? null;
  return {
    locale: locals.locale,
    signedIn: caller?.kind === 'session',
    workspaces,
    lastWorkspaceId,
    user
  };
};
