import { methodNotAllowed } from '$lib/server/api/operation';
import { listReportItemsOperation } from '$lib/server/reports/reports-api';

export const GET = listReportItemsOperation.handle;
export const fallback = methodNotAllowed(listReportItemsOperation);
