import { methodNotAllowed } from '$lib/server/api/operation';
import { decideChangeOperation } from '$lib/server/changes/changes-api';

export const POST = decideChangeOperation.handle;
export const fallback = methodNotAllowed(decideChangeOperation);
