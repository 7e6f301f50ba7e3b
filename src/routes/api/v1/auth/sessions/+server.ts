import { methodNotAllowed } from '$lib/server/api/operation';
import { listSessionsOperation } from '$lib/server/account-api/auth-api';

export const GET = listSessionsOperation.handle;
export const fallback = methodNotAllowed(listSessionsOperation);
