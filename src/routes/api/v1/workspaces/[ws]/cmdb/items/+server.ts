import { methodNotAllowed } from '$lib/server/api/operation';
import { listCmdbItemsOperation, createCmdbItemOperation } from '$lib/server/cmdb/cmdb-api';

export const GET = listCmdbItemsOperation.handle;
export const POST = createCmdbItemOperation.handle;
export const fallback = methodNotAllowed(listCmdbItemsOperation, createCmdbItemOperation);
