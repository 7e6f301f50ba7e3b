import { methodNotAllowed } from '$lib/server/api/operation';
import { deleteCommentOperation, updateCommentOperation } from '$lib/server/board/board-api';

export const PATCH = updateCommentOperation.handle;
export const DELETE = deleteCommentOperation.handle;
export const fallback = methodNotAllowed(updateCommentOperation, deleteCommentOperation);
