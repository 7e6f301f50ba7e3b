import { methodNotAllowed } from '$lib/server/api/operation';
import { askOperation } from '$lib/server/ai/ai-api';

export const POST = askOperation.handle;
export const fallback = methodNotAllowed(askOperation);
