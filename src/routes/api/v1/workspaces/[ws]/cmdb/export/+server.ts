import { methodNotAllowed } from '$lib/server/api/operation';
import { exportCmdbOperation } from '$lib/server/cmdb/cmdb-api';

export const GET = exportCmdbOperation.handle;
export const fallback = methodNotAllowed(exportCmdbOperation);
