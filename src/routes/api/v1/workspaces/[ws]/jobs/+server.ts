import { methodNotAllowed } from '$lib/server/api/operation';
import { listJobsOperation, createJobOperation } from '$lib/server/automation/automation-api';

export const GET = listJobsOperation.handle;
export const POST = createJobOperation.handle;
export const fallback = methodNotAllowed(listJobsOperation, createJobOperation);
