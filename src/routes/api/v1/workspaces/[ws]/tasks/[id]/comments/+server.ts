import { methodNotAllowed } from '$lib/server/api/operation';
import { createCommentOperation } from '$lib/server/board/task-api';

export const POST = createCommentOperation.handle;
export const fallback = methodNotAllowed(createCommentOperation);
