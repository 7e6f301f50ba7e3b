import { methodNotAllowed } from '$lib/server/api/operation';
import { getAiEvaluationOperation, startAiEvaluationOperation } from '$lib/server/ai/ai-api';

export const GET = getAiEvaluationOperation.handle;
export const POST = startAiEvaluationOperation.handle;
export const fallback = methodNotAllowed(getAiEvaluationOperation, startAiEvaluationOperation);
