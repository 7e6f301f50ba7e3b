import { methodNotAllowed } from '$lib/server/api/operation';
import { runLogOperation } from '$lib/server/automation/automation-api';

export const GET = runLogOperation.handle;
export const fallback = methodNotAllowed(runLogOperation);
