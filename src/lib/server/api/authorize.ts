/**
 * The permission checks of the REST API. Every handler calls `requireCaller` or
 * `authorizeWorkspace` before it reads or writes anything; page loads use the same functions
 * through `event.locals`, so a page and its API can never disagree.
 */
import type { RequestEvent } from '@sveltejs/kit';
import type { Caller } from '$lib/server/auth/authenticate';
import { workspaceRole } from '$lib/server/auth/authenticate';
import { getRuntime } from '$lib/server/runtime';
import { isValidId } from '$lib/shared/doc-name';
import { can, type Role, type WorkspaceAction } from '$lib/shared/permissions';
import { ApiError } from './errors';

export type WorkspaceAccessMode = 'read' | 'write';

/** What the caller may do in one workspace, as established by `authorizeWorkspace`. */
export interface WorkspaceAccess {
  workspaceId: string;
  mode: WorkspaceAccessMode;
  role: Role;
  caller: Caller;
  /** Member id of the caller, recorded as the actor of changes. */
  actorId: string;
}

/** The signed-in caller (session or API token); 401 `unauthorized` without one. */
export function requireCaller(event: Pick<RequestEvent, 'locals'>): Caller {
  const caller = event.locals.caller;
  if (!caller) throw new ApiError(401, 'unauthorized', 'sign in or send an API token');
  return caller;
}

/** The caller's session (not a token); 403 for API tokens, which cannot manage an account. */
export function requireSession(event: Pick<RequestEvent, 'locals'>) {
  const caller = requireCaller(event);
  if (caller.kind !== 'session') {
    throw new ApiError(403, 'forbidden', 'this action needs a signed-in session, not an API token');
  }
  return caller;
}

/**
 * Validates the workspace id and checks that the caller may do `need` there: `read` (any
 * member), `write` (the task board: members and above) or a named action. A caller who is not a
 * member gets 404, so workspace ids do not leak; a member lacking the right gets 403.
 */
export async function authorizeWorkspace(
  event: Pick<RequestEvent, 'locals'>,
  ws: string,
  need: WorkspaceAccessMode | WorkspaceAction
): Promise<WorkspaceAccess> {
  // The id becomes part of a document name; refuse anything `doc-name.ts` would refuse.
  if (!isValidId(ws)) {
    throw new ApiError(
      400,
      'invalid_workspace',
      'invalid workspace id: use 1–64 letters, digits, "_" or "-", starting with a letter or digit'
    );
  }
  const caller = requireCaller(event);
  const runtime = await getRuntime();
  const role = await workspaceRole(runtime.accounts, caller, ws);
  if (!role) throw new ApiError(404, 'not_found', 'no such workspace');
  const action: WorkspaceAction =
    need === 'read' ? 'workspace.read' : need === 'write' ? 'tasks.write' : need;
  if (!can(role, action)) {
    throw new ApiError(403, 'forbidden', `your role (${role}) may not do this`);
  }
  const mode: WorkspaceAccessMode = action === 'workspace.read' ? 'read' : 'write';
  return { workspaceId: ws, mode, role, caller, actorId: caller.user.id };
}
