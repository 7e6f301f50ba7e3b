import { methodNotAllowed } from '$lib/server/api/operation';
import { sendWeeklyReportOperation } from '$lib/server/weekly-report/weekly-report-api';

export const POST = sendWeeklyReportOperation.handle;
export const fallback = methodNotAllowed(sendWeeklyReportOperation);
