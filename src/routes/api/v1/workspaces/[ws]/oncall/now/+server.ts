import { methodNotAllowed } from '$lib/server/api/operation';
import { onCallNowOperation } from '$lib/server/oncall/oncall-api';

export const GET = onCallNowOperation.handle;
export const fallback = methodNotAllowed(onCallNowOperation);
