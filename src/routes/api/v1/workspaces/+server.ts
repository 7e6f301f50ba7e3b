import { methodNotAllowed } from '$lib/server/api/operation';
import {
  createWorkspaceOperation,
  listWorkspacesOperation
} from '$lib/server/workspaces/workspaces-api';

export const GET = listWorkspacesOperation.handle;
export const POST = createWorkspaceOperation.handle;
export const fallback = methodNotAllowed(listWorkspacesOperation, createWorkspaceOperation);
