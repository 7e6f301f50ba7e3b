import { methodNotAllowed } from '$lib/server/api/operation';
import { getIncidentOperation } from '$lib/server/alerts/alerts-api';

export const GET = getIncidentOperation.handle;
export const fallback = methodNotAllowed(getIncidentOperation);
