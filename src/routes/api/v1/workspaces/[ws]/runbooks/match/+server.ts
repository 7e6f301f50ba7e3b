import { methodNotAllowed } from '$lib/server/api/operation';
import { matchRunbooksOperation } from '$lib/server/runbooks/runbooks-api';

export const GET = matchRunbooksOperation.handle;
export const fallback = methodNotAllowed(matchRunbooksOperation);
