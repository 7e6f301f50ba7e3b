import { methodNotAllowed } from '$lib/server/api/operation';
import { runnerHeartbeatOperation } from '$lib/server/automation/runner-api';

export const POST = runnerHeartbeatOperation.handle;
export const fallback = methodNotAllowed(runnerHeartbeatOperation);
