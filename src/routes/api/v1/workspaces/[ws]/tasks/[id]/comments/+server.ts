import { methodNotAllowed } from '$lib/server/api/operation';
import { createCommentOperation } from '$lib/server/board/board-api';

export const POST = createCommentOperation.handle;
export const fallback = methodNotAllowed(createCommentOperation);
