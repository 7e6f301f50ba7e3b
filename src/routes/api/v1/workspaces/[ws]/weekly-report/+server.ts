import { methodNotAllowed } from '$lib/server/api/operation';
import {
  getWeeklyReportOperation,
  updateWeeklyReportOperation
} from '$lib/server/weekly-report/weekly-report-api';

export const GET = getWeeklyReportOperation.handle;
export const PATCH = updateWeeklyReportOperation.handle;
export const fallback = methodNotAllowed(getWeeklyReportOperation, updateWeeklyReportOperation);
