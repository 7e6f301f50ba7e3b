import { methodNotAllowed } from '$lib/server/api/operation';
import { getFileOperation } from '$lib/server/runbooks/runbooks-api';

export const GET = getFileOperation.handle;
export const fallback = methodNotAllowed(getFileOperation);
