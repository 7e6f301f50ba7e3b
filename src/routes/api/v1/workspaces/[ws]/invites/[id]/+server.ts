import { methodNotAllowed } from '$lib/server/api/operation';
import { revokeInviteOperation } from '$lib/server/workspaces/workspaces-api';

export const DELETE = revokeInviteOperation.handle;
export const fallback = methodNotAllowed(revokeInviteOperation);
