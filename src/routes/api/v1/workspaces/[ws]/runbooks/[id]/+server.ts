import { methodNotAllowed } from '$lib/server/api/operation';
import { getRunbookOperation, updateRunbookOperation } from '$lib/server/runbooks/runbooks-api';

export const GET = getRunbookOperation.handle;
export const PATCH = updateRunbookOperation.handle;
export const fallback = methodNotAllowed(getRunbookOperation, updateRunbookOperation);
