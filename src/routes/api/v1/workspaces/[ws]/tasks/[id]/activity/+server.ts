import { methodNotAllowed } from '$lib/server/api/operation';
import { listTaskActivityOperation } from '$lib/server/board/board-api';

export const GET = listTaskActivityOperation.handle;
export const fallback = methodNotAllowed(listTaskActivityOperation);
