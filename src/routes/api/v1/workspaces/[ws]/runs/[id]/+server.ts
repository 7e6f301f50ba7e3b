import { methodNotAllowed } from '$lib/server/api/operation';
import { getRunOperation } from '$lib/server/automation/automation-api';

export const GET = getRunOperation.handle;
export const fallback = methodNotAllowed(getRunOperation);
