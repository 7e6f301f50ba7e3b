import { methodNotAllowed } from '$lib/server/api/operation';
import { importRunbooksOperation } from '$lib/server/runbooks/runbooks-api';

export const POST = importRunbooksOperation.handle;
export const fallback = methodNotAllowed(importRunbooksOperation);
