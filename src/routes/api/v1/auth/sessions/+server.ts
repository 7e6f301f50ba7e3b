import { methodNotAllowed } from '$lib/server/api/operation';
import { listSessionsOperation } from '$lib/server/accounts/accounts-api';

export const GET = listSessionsOperation.handle;
export const fallback = methodNotAllowed(listSessionsOperation);
