import { methodNotAllowed } from '$lib/server/api/operation';
import { acknowledgeIncidentOperation } from '$lib/server/alerts/alerts-api';

export const POST = acknowledgeIncidentOperation.handle;
export const fallback = methodNotAllowed(acknowledgeIncidentOperation);
