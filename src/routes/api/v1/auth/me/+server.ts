import { methodNotAllowed } from '$lib/server/api/operation';
import { getMeOperation, updateMeOperation } from '$lib/server/accounts/accounts-api';

export const GET = getMeOperation.handle;
export const PATCH = updateMeOperation.handle;
export const fallback = methodNotAllowed(getMeOperation, updateMeOperation);
