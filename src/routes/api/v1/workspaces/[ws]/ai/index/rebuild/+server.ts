import { methodNotAllowed } from '$lib/server/api/operation';
import { rebuildAiIndexOperation } from '$lib/server/ai/ai-api';

export const POST = rebuildAiIndexOperation.handle;
export const fallback = methodNotAllowed(rebuildAiIndexOperation);
