import { methodNotAllowed } from '$lib/server/api/operation';
import {
  createChannelOperation,
  listChannelsOperation
} from '$lib/server/notifications/notifications-api';

export const GET = listChannelsOperation.handle;
export const POST = createChannelOperation.handle;
export const fallback = methodNotAllowed(listChannelsOperation, createChannelOperation);
