import { methodNotAllowed } from '$lib/server/api/operation';
import { getRunbookVersionOperation } from '$lib/server/runbooks/runbooks-api';

export const GET = getRunbookVersionOperation.handle;
export const fallback = methodNotAllowed(getRunbookVersionOperation);
