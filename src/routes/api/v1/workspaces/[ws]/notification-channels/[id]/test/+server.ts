import { methodNotAllowed } from '$lib/server/api/operation';
import { testChannelOperation } from '$lib/server/notifications/notifications-api';

export const POST = testChannelOperation.handle;
export const fallback = methodNotAllowed(testChannelOperation);
