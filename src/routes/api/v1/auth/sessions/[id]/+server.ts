import { methodNotAllowed } from '$lib/server/api/operation';
import { revokeSessionOperation } from '$lib/server/account-api/auth-api';

export const DELETE = revokeSessionOperation.handle;
export const fallback = methodNotAllowed(revokeSessionOperation);
