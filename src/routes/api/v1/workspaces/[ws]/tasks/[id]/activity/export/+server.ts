import { methodNotAllowed } from '$lib/server/api/operation';
import { exportTaskActivityOperation } from '$lib/server/board/board-api';

export const GET = exportTaskActivityOperation.handle;
export const fallback = methodNotAllowed(exportTaskActivityOperation);
