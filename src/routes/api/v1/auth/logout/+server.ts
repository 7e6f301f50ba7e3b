import { methodNotAllowed } from '$lib/server/api/operation';
import { logoutOperation } from '$lib/server/accounts/accounts-api';

export const POST = logoutOperation.handle;
export const fallback = methodNotAllowed(logoutOperation);
