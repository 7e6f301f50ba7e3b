import { methodNotAllowed } from '$lib/server/api/operation';
import { closeIncidentOperation } from '$lib/server/alerts/alerts-api';

export const POST = closeIncidentOperation.handle;
export const fallback = methodNotAllowed(closeIncidentOperation);
