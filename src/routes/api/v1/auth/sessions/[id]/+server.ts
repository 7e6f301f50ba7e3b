import { methodNotAllowed } from '$lib/server/api/operation';
import { revokeSessionOperation } from '$lib/server/accounts/accounts-api';

export const DELETE = revokeSessionOperation.handle;
export const fallback = methodNotAllowed(revokeSessionOperation);
