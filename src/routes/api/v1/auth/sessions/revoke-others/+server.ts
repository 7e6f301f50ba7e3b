import { methodNotAllowed } from '$lib/server/api/operation';
import { revokeOtherSessionsOperation } from '$lib/server/accounts/accounts-api';

export const POST = revokeOtherSessionsOperation.handle;
export const fallback = methodNotAllowed(revokeOtherSessionsOperation);
