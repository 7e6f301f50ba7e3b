import { methodNotAllowed } from '$lib/server/api/operation';
import { loginOperation } from '$lib/server/accounts/accounts-api';

export const POST = loginOperation.handle;
export const fallback = methodNotAllowed(loginOperation);
