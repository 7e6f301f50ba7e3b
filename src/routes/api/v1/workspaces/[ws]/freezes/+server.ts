import { methodNotAllowed } from '$lib/server/api/operation';
import { listFreezesOperation, createFreezeOperation } from '$lib/server/changes/changes-api';

export const GET = listFreezesOperation.handle;
export const POST = createFreezeOperation.handle;
export const fallback = methodNotAllowed(listFreezesOperation, createFreezeOperation);
