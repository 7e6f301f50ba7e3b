import { methodNotAllowed } from '$lib/server/api/operation';
import { getAiIndexOperation } from '$lib/server/ai/ai-api';

export const GET = getAiIndexOperation.handle;
export const fallback = methodNotAllowed(getAiIndexOperation);
