import { methodNotAllowed } from '$lib/server/api/operation';
import { changePasswordOperation } from '$lib/server/accounts/accounts-api';

export const POST = changePasswordOperation.handle;
export const fallback = methodNotAllowed(changePasswordOperation);
