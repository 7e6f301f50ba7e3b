import { methodNotAllowed } from '$lib/server/api/operation';
import { addOverrideOperation } from '$lib/server/oncall/oncall-api';

export const POST = addOverrideOperation.handle;
export const fallback = methodNotAllowed(addOverrideOperation);
