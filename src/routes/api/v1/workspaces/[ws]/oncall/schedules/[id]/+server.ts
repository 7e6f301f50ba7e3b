import { methodNotAllowed } from '$lib/server/api/operation';
import {
  deleteScheduleOperation,
  getScheduleOperation,
  updateScheduleOperation
} from '$lib/server/oncall/oncall-api';

export const GET = getScheduleOperation.handle;
export const PATCH = updateScheduleOperation.handle;
export const DELETE = deleteScheduleOperation.handle;
export const fallback = methodNotAllowed(
  getScheduleOperation,
  updateScheduleOperation,
  deleteScheduleOperation
);
