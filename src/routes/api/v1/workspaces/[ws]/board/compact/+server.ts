import { methodNotAllowed } from '$lib/server/api/operation';
import { compactBoardOperation } from '$lib/server/board/board-api';

export const POST = compactBoardOperation.handle;
export const fallback = methodNotAllowed(compactBoardOperation);
