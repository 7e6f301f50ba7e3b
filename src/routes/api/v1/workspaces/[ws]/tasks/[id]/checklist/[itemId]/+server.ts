import { methodNotAllowed } from '$lib/server/api/operation';
import {
  deleteChecklistItemOperation,
  updateChecklistItemOperation
} from '$lib/server/board/board-api';

export const PATCH = updateChecklistItemOperation.handle;
export const DELETE = deleteChecklistItemOperation.handle;
export const fallback = methodNotAllowed(
  updateChecklistItemOperation,
  deleteChecklistItemOperation
);
