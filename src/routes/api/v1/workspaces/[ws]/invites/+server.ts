import { methodNotAllowed } from '$lib/server/api/operation';
import { createInviteOperation, listInvitesOperation } from '$lib/server/workspaces/workspaces-api';

export const GET = listInvitesOperation.handle;
export const POST = createInviteOperation.handle;
export const fallback = methodNotAllowed(listInvitesOperation, createInviteOperation);
