import { methodNotAllowed } from '$lib/server/api/operation';
import { duplicateRunbookOperation } from '$lib/server/runbooks/runbooks-api';

export const POST = duplicateRunbookOperation.handle;
export const fallback = methodNotAllowed(duplicateRunbookOperation);
