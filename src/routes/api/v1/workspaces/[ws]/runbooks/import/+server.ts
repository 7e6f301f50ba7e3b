import { methodNotAllowed } from '$lib/server/api/operation';
import { importRunbooksOperation } from '$lib/server/runbooks/runbook-api';

export const POST = importRunbooksOperation.handle;
export const fallback = methodNotAllowed(importRunbooksOperation);
