import { methodNotAllowed } from '$lib/server/api/operation';
import { bulkUpdateTasksOperation } from '$lib/server/board/board-api';

export const POST = bulkUpdateTasksOperation.handle;
export const fallback = methodNotAllowed(bulkUpdateTasksOperation);
