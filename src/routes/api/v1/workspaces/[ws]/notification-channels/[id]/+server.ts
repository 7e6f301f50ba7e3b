import { methodNotAllowed } from '$lib/server/api/operation';
import {
  deleteChannelOperation,
  getChannelOperation,
  updateChannelOperation
} from '$lib/server/notifications/notifications-api';

export const GET = getChannelOperation.handle;
export const PATCH = updateChannelOperation.handle;
export const DELETE = deleteChannelOperation.handle;
export const fallback = methodNotAllowed(
  getChannelOperation,
  updateChannelOperation,
  deleteChannelOperation
);
