import { methodNotAllowed } from '$lib/server/api/operation';
import { receiveAlertsOperation } from '$lib/server/alerts/alerts-api';

export const POST = receiveAlertsOperation.handle;
export const fallback = methodNotAllowed(receiveAlertsOperation);
