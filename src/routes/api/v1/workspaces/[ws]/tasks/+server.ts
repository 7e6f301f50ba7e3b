import { methodNotAllowed } from '$lib/server/api/operation';
import { createTaskOperation, listTasksOperation } from '$lib/server/board/board-api';

export const GET = listTasksOperation.handle;
export const POST = createTaskOperation.handle;
export const fallback = methodNotAllowed(listTasksOperation, createTaskOperation);
