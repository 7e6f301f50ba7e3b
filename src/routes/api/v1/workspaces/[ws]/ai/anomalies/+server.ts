import { methodNotAllowed } from '$lib/server/api/operation';
import { listAnomaliesOperation } from '$lib/server/ai/ai-api';

export const GET = listAnomaliesOperation.handle;
export const fallback = methodNotAllowed(listAnomaliesOperation);
