import { methodNotAllowed } from '$lib/server/api/operation';
import { onCallAtOperation } from '$lib/server/oncall/oncall-api';

export const GET = onCallAtOperation.handle;
export const fallback = methodNotAllowed(onCallAtOperation);
