import { methodNotAllowed } from '$lib/server/api/operation';
import { runnerClaimOperation } from '$lib/server/automation/runner-api';

export const POST = runnerClaimOperation.handle;
export const fallback = methodNotAllowed(runnerClaimOperation);
