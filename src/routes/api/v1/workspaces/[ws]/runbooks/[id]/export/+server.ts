import { methodNotAllowed } from '$lib/server/api/operation';
import { exportRunbookOperation } from '$lib/server/runbooks/runbooks-api';

export const GET = exportRunbookOperation.handle;
export const fallback = methodNotAllowed(exportRunbookOperation);
