import { methodNotAllowed } from '$lib/server/api/operation';
import { cancelRunOperation } from '$lib/server/automation/automation-api';

export const POST = cancelRunOperation.handle;
export const fallback = methodNotAllowed(cancelRunOperation);
