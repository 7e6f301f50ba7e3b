import { methodNotAllowed } from '$lib/server/api/operation';
import { createRunbookOperation, listRunbooksOperation } from '$lib/server/runbooks/runbooks-api';

export const GET = listRunbooksOperation.handle;
export const POST = createRunbookOperation.handle;
export const fallback = methodNotAllowed(listRunbooksOperation, createRunbookOperation);
