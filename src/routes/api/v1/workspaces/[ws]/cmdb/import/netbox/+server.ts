import { methodNotAllowed } from '$lib/server/api/operation';
import { importNetboxOperation } from '$lib/server/cmdb/cmdb-api';

export const POST = importNetboxOperation.handle;
export const fallback = methodNotAllowed(importNetboxOperation);
