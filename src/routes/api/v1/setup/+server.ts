import { methodNotAllowed } from '$lib/server/api/operation';
import { setupOperation } from '$lib/server/account-api/setup-api';

export const POST = setupOperation.handle;
export const fallback = methodNotAllowed(setupOperation);
