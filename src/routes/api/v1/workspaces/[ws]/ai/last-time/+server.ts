import { methodNotAllowed } from '$lib/server/api/operation';
import { getLastTimeOperation } from '$lib/server/ai/ai-api';

export const GET = getLastTimeOperation.handle;
export const fallback = methodNotAllowed(getLastTimeOperation);
