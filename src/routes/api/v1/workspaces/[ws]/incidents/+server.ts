import { methodNotAllowed } from '$lib/server/api/operation';
import { listIncidentsOperation } from '$lib/server/alerts/alerts-api';

export const GET = listIncidentsOperation.handle;
export const fallback = methodNotAllowed(listIncidentsOperation);
