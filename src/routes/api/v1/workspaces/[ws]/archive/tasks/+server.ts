import { methodNotAllowed } from '$lib/server/api/operation';
import { listArchivedTasksOperation } from '$lib/server/archive/archive-api';

export const GET = listArchivedTasksOperation.handle;
export const fallback = methodNotAllowed(listArchivedTasksOperation);
