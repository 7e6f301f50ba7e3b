import { methodNotAllowed } from '$lib/server/api/operation';
import { findSimilarOperation } from '$lib/server/ai/ai-api';

export const GET = findSimilarOperation.handle;
export const fallback = methodNotAllowed(findSimilarOperation);
