import { methodNotAllowed } from '$lib/server/api/operation';
import { getTaskDetailOperation } from '$lib/server/board/board-api';

export const GET = getTaskDetailOperation.handle;
export const fallback = methodNotAllowed(getTaskDetailOperation);
