import { methodNotAllowed } from '$lib/server/api/operation';
import { listRunnersOperation, createRunnerOperation } from '$lib/server/automation/automation-api';

export const GET = listRunnersOperation.handle;
export const POST = createRunnerOperation.handle;
export const fallback = methodNotAllowed(listRunnersOperation, createRunnerOperation);
