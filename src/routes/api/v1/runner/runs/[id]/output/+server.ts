import { methodNotAllowed } from '$lib/server/api/operation';
import { runnerOutputOperation } from '$lib/server/automation/runner-api';

export const POST = runnerOutputOperation.handle;
export const fallback = methodNotAllowed(runnerOutputOperation);
