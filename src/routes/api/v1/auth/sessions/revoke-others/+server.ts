import { methodNotAllowed } from '$lib/server/api/operation';
import { revokeOtherSessionsOperation } from '$lib/server/account-api/auth-api';

export const POST = revokeOtherSessionsOperation.handle;
export const fallback = methodNotAllowed(revokeOtherSessionsOperation);
