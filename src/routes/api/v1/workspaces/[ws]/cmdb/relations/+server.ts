import { methodNotAllowed } from '$lib/server/api/operation';
import { createCmdbRelationOperation } from '$lib/server/cmdb/cmdb-api';

export const POST = createCmdbRelationOperation.handle;
export const fallback = methodNotAllowed(createCmdbRelationOperation);
