import { methodNotAllowed } from '$lib/server/api/operation';
import { startReviewOperation } from '$lib/server/alerts/alerts-api';

export const POST = startReviewOperation.handle;
export const fallback = methodNotAllowed(startReviewOperation);
