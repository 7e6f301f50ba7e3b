import { methodNotAllowed } from '$lib/server/api/operation';
import { cmdbInventoryOperation } from '$lib/server/cmdb/cmdb-api';

export const GET = cmdbInventoryOperation.handle;
export const fallback = methodNotAllowed(cmdbInventoryOperation);
