import { methodNotAllowed } from '$lib/server/api/operation';
import { listTaskPredictionsOperation } from '$lib/server/ai/ai-api';

export const GET = listTaskPredictionsOperation.handle;
export const fallback = methodNotAllowed(listTaskPredictionsOperation);
