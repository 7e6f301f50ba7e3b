import { methodNotAllowed } from '$lib/server/api/operation';
import { deleteRunnerOperation } from '$lib/server/automation/automation-api';

export const DELETE = deleteRunnerOperation.handle;
export const fallback = methodNotAllowed(deleteRunnerOperation);
