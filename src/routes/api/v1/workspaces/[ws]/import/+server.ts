import { methodNotAllowed } from '$lib/server/api/operation';
import { importHistoryOperation } from '$lib/server/import/import-api';

export const POST = importHistoryOperation.handle;
export const fallback = methodNotAllowed(importHistoryOperation);
