import { methodNotAllowed } from '$lib/server/api/operation';
import { previewWeeklyReportOperation } from '$lib/server/weekly-report/weekly-report-api';

export const POST = previewWeeklyReportOperation.handle;
export const fallback = methodNotAllowed(previewWeeklyReportOperation);
