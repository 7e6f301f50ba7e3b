import { methodNotAllowed } from '$lib/server/api/operation';
import { transitionChangeOperation } from '$lib/server/changes/changes-api';

export const POST = transitionChangeOperation.handle;
export const fallback = methodNotAllowed(transitionChangeOperation);
