import { methodNotAllowed } from '$lib/server/api/operation';
import { deleteOverrideOperation } from '$lib/server/oncall/oncall-api';

export const DELETE = deleteOverrideOperation.handle;
export const fallback = methodNotAllowed(deleteOverrideOperation);
