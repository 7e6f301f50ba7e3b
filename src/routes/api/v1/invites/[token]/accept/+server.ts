import { methodNotAllowed } from '$lib/server/api/operation';
import { acceptInviteOperation } from '$lib/server/workspaces/invite-api';

export const POST = acceptInviteOperation.handle;
export const fallback = methodNotAllowed(acceptInviteOperation);
