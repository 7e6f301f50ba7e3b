import { methodNotAllowed } from '$lib/server/api/operation';
import { restoreRunbookVersionOperation } from '$lib/server/runbooks/runbooks-api';

export const POST = restoreRunbookVersionOperation.handle;
export const fallback = methodNotAllowed(restoreRunbookVersionOperation);
