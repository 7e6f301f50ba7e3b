import { methodNotAllowed } from '$lib/server/api/operation';
import { listChangesOperation, createChangeOperation } from '$lib/server/changes/changes-api';

export const GET = listChangesOperation.handle;
export const POST = createChangeOperation.handle;
export const fallback = methodNotAllowed(listChangesOperation, createChangeOperation);
