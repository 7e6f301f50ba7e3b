import { methodNotAllowed } from '$lib/server/api/operation';
import { bulkUpdateTasksOperation } from '$lib/server/board/task-api';

export const POST = bulkUpdateTasksOperation.handle;
export const fallback = methodNotAllowed(bulkUpdateTasksOperation);
