import { methodNotAllowed } from '$lib/server/api/operation';
import { heldAlertsOperation } from '$lib/server/alerts/alerts-api';

export const GET = heldAlertsOperation.handle;
export const fallback = methodNotAllowed(heldAlertsOperation);
