import { methodNotAllowed } from '$lib/server/api/operation';
import { setupOperation } from '$lib/server/accounts/accounts-api';

export const POST = setupOperation.handle;
export const fallback = methodNotAllowed(setupOperation);
