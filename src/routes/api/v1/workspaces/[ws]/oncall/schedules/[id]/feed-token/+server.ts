import { methodNotAllowed } from '$lib/server/api/operation';
import { rotateFeedOperation } from '$lib/server/oncall/oncall-api';

export const POST = rotateFeedOperation.handle;
export const fallback = methodNotAllowed(rotateFeedOperation);
