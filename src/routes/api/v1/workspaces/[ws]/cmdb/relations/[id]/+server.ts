import { methodNotAllowed } from '$lib/server/api/operation';
import { deleteCmdbRelationOperation } from '$lib/server/cmdb/cmdb-api';

export const DELETE = deleteCmdbRelationOperation.handle;
export const fallback = methodNotAllowed(deleteCmdbRelationOperation);
