import { methodNotAllowed } from '$lib/server/api/operation';
import { scheduleFeedOperation } from '$lib/server/oncall/oncall-api';

export const GET = scheduleFeedOperation.handle;
export const fallback = methodNotAllowed(scheduleFeedOperation);
