import { methodNotAllowed } from '$lib/server/api/operation';
import { getChangeOperation, updateChangeOperation } from '$lib/server/changes/changes-api';

export const GET = getChangeOperation.handle;
export const PATCH = updateChangeOperation.handle;
export const fallback = methodNotAllowed(getChangeOperation, updateChangeOperation);
