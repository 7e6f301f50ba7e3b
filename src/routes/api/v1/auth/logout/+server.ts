import { methodNotAllowed } from '$lib/server/api/operation';
import { logoutOperation } from '$lib/server/account-api/auth-api';

export const POST = logoutOperation.handle;
export const fallback = methodNotAllowed(logoutOperation);
