import { methodNotAllowed } from '$lib/server/api/operation';
import { predictWorkOperation } from '$lib/server/ai/ai-api';

export const POST = predictWorkOperation.handle;
export const fallback = methodNotAllowed(predictWorkOperation);
