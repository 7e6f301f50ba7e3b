import { methodNotAllowed } from '$lib/server/api/operation';
import { revokeTokenOperation } from '$lib/server/accounts/accounts-api';

export const DELETE = revokeTokenOperation.handle;
export const fallback = methodNotAllowed(revokeTokenOperation);
