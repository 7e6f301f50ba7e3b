import { methodNotAllowed } from '$lib/server/api/operation';
import { createScheduleOperation, listSchedulesOperation } from '$lib/server/oncall/oncall-api';

export const GET = listSchedulesOperation.handle;
export const POST = createScheduleOperation.handle;
export const fallback = methodNotAllowed(listSchedulesOperation, createScheduleOperation);
