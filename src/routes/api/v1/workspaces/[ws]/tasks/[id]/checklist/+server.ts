import { methodNotAllowed } from '$lib/server/api/operation';
import { createChecklistItemOperation } from '$lib/server/board/board-api';

export const POST = createChecklistItemOperation.handle;
export const fallback = methodNotAllowed(createChecklistItemOperation);
