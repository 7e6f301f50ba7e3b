import { methodNotAllowed } from '$lib/server/api/operation';
import { listMembersOperation } from '$lib/server/workspaces/workspaces-api';

export const GET = listMembersOperation.handle;
export const fallback = methodNotAllowed(listMembersOperation);
