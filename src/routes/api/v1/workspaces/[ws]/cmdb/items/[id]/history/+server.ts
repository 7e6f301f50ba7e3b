import { methodNotAllowed } from '$lib/server/api/operation';
import { getCmdbHistoryOperation } from '$lib/server/cmdb/cmdb-api';

export const GET = getCmdbHistoryOperation.handle;
export const fallback = methodNotAllowed(getCmdbHistoryOperation);
