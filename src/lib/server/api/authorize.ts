/**
 * The one permission check of the REST API. Every handler that touches a workspace calls
 * `authorizeWorkspace` before it reads or writes anything, so adding accounts changes this file
 * only.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { isValidId } from '$lib/shared/doc-name';
import { ApiError } from './errors';

export type WorkspaceAccessMode = 'read' | 'write';

/** What the caller may do in one workspace, as established by `authorizeWorkspace`. */
export interface WorkspaceAccess {
  workspaceId: string;
  mode: WorkspaceAccessMode;
  /** Member id of the caller, recorded as the actor of changes; null while there are no accounts. */
  actorId: string | null;
}

/** Validates the workspace id and checks that the caller may `mode` it; throws ApiError. */
export async function authorizeWorkspace(
  event: RequestEvent,
  ws: string,
  mode: WorkspaceAccessMode
): Promise<WorkspaceAccess> {
  // The id becomes part of a document name; refuse anything `doc-name.ts` would refuse.
  if (!isValidId(ws)) {
    throw new ApiError(
      400,
      'invalid_workspace',
      'invalid workspace id: use 1–64 letters, digits, "_" or "-", starting with a letter or digit'
    );
  }
  // Authorisation: accounts are the next milestone; until then every caller may read and write
  // every workspace. This is the single place the check goes: resolve the caller from the
  // session cookie or `Authorization: Bearer <token>` (event.locals, set in hooks.server.ts) →
  // 401 `unauthorized` without one; look up the caller's membership of `ws` → 404 `not_found`
  // when there is none (so workspace ids do not leak); 403 `forbidden` when the role may not
  // `mode` (viewer: read only). A workspace that does not exist must also be refused here,
  // before its board document is loaded (today any valid id gets a fresh board).
  void event;
  return { workspaceId: ws, mode, actorId: null };
}
