import { methodNotAllowed } from '$lib/server/api/operation';
import { chatDecideChangeOperation } from '$lib/server/changes/changes-api';

export const POST = chatDecideChangeOperation.handle;
export const fallback = methodNotAllowed(chatDecideChangeOperation);
