import { methodNotAllowed } from '$lib/server/api/operation';
import { retryMessageOperation } from '$lib/server/notifications/notifications-api';

export const POST = retryMessageOperation.handle;
export const fallback = methodNotAllowed(retryMessageOperation);
