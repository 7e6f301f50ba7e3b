import { methodNotAllowed } from '$lib/server/api/operation';
import { acceptInviteOperation } from '$lib/server/workspaces/workspaces-api';

export const POST = acceptInviteOperation.handle;
export const fallback = methodNotAllowed(acceptInviteOperation);
