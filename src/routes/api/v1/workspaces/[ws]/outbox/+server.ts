import { methodNotAllowed } from '$lib/server/api/operation';
import { listOutboxOperation } from '$lib/server/notifications/notifications-api';

export const GET = listOutboxOperation.handle;
export const fallback = methodNotAllowed(listOutboxOperation);
