import { methodNotAllowed } from '$lib/server/api/operation';
import { deleteFreezeOperation } from '$lib/server/changes/changes-api';

export const DELETE = deleteFreezeOperation.handle;
export const fallback = methodNotAllowed(deleteFreezeOperation);
