import { methodNotAllowed } from '$lib/server/api/operation';
import { resolveIncidentOperation } from '$lib/server/alerts/alerts-api';

export const POST = resolveIncidentOperation.handle;
export const fallback = methodNotAllowed(resolveIncidentOperation);
