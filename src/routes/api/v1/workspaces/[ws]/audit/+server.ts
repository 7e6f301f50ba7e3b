import { methodNotAllowed } from '$lib/server/api/operation';
import { listAuditOperation } from '$lib/server/workspaces/workspaces-api';

export const GET = listAuditOperation.handle;
export const fallback = methodNotAllowed(listAuditOperation);
