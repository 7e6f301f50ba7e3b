import { methodNotAllowed } from '$lib/server/api/operation';
import { startRunOperation } from '$lib/server/automation/automation-api';

export const POST = startRunOperation.handle;
export const fallback = methodNotAllowed(startRunOperation);
