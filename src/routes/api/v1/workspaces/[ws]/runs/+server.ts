import { methodNotAllowed } from '$lib/server/api/operation';
import { listRunsOperation } from '$lib/server/automation/automation-api';

export const GET = listRunsOperation.handle;
export const fallback = methodNotAllowed(listRunsOperation);
