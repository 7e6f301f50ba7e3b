import { methodNotAllowed } from '$lib/server/api/operation';
import { unarchiveTaskOperation } from '$lib/server/archive/archive-api';

export const POST = unarchiveTaskOperation.handle;
export const fallback = methodNotAllowed(unarchiveTaskOperation);
