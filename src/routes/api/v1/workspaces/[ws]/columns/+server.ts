import { methodNotAllowed } from '$lib/server/api/operation';
import { listColumnsOperation } from '$lib/server/board/board-api';

export const GET = listColumnsOperation.handle;
export const fallback = methodNotAllowed(listColumnsOperation);
