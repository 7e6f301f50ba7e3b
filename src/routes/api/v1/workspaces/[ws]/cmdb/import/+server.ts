import { methodNotAllowed } from '$lib/server/api/operation';
import { importCmdbOperation } from '$lib/server/cmdb/cmdb-api';

export const POST = importCmdbOperation.handle;
export const fallback = methodNotAllowed(importCmdbOperation);
