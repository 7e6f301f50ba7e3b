import { methodNotAllowed } from '$lib/server/api/operation';
import { endWindowOperation } from '$lib/server/alerts/alerts-api';

export const DELETE = endWindowOperation.handle;
export const fallback = methodNotAllowed(endWindowOperation);
