import { methodNotAllowed } from '$lib/server/api/operation';
import { runnerFinishOperation } from '$lib/server/automation/runner-api';

export const POST = runnerFinishOperation.handle;
export const fallback = methodNotAllowed(runnerFinishOperation);
