import { methodNotAllowed } from '$lib/server/api/operation';
import { revokeTokenOperation } from '$lib/server/account-api/token-api';

export const DELETE = revokeTokenOperation.handle;
export const fallback = methodNotAllowed(revokeTokenOperation);
