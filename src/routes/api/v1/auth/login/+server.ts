import { methodNotAllowed } from '$lib/server/api/operation';
import { loginOperation } from '$lib/server/account-api/auth-api';

export const POST = loginOperation.handle;
export const fallback = methodNotAllowed(loginOperation);
