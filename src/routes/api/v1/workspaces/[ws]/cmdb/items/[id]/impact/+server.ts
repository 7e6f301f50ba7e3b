import { methodNotAllowed } from '$lib/server/api/operation';
import { getCmdbImpactOperation } from '$lib/server/cmdb/cmdb-api';

export const GET = getCmdbImpactOperation.handle;
export const fallback = methodNotAllowed(getCmdbImpactOperation);
