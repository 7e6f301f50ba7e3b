import { methodNotAllowed } from '$lib/server/api/operation';
import {
  getWorkspaceOperation,
  renameWorkspaceOperation
} from '$lib/server/workspaces/workspaces-api';

export const GET = getWorkspaceOperation.handle;
export const PATCH = renameWorkspaceOperation.handle;
export const fallback = methodNotAllowed(getWorkspaceOperation, renameWorkspaceOperation);
