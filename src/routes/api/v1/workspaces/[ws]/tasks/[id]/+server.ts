import { methodNotAllowed } from '$lib/server/api/operation';
import { getTaskOperation, updateTaskOperation } from '$lib/server/board/board-api';

export const GET = getTaskOperation.handle;
export const PATCH = updateTaskOperation.handle;
export const fallback = methodNotAllowed(getTaskOperation, updateTaskOperation);
