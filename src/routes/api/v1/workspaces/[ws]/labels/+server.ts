import { methodNotAllowed } from '$lib/server/api/operation';
import { listLabelsOperation } from '$lib/server/board/board-api';

export const GET = listLabelsOperation.handle;
export const fallback = methodNotAllowed(listLabelsOperation);
