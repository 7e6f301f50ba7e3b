import { methodNotAllowed } from '$lib/server/api/operation';
import { getKpisOperation } from '$lib/server/reports/reports-api';

export const GET = getKpisOperation.handle;
export const fallback = methodNotAllowed(getKpisOperation);
