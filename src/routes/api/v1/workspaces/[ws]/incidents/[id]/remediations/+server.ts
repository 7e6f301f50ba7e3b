import { methodNotAllowed } from '$lib/server/api/operation';
import { listIncidentRemediationsOperation } from '$lib/server/automation/automation-api';

export const GET = listIncidentRemediationsOperation.handle;
export const fallback = methodNotAllowed(listIncidentRemediationsOperation);
