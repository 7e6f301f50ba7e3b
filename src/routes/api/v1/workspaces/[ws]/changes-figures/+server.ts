import { methodNotAllowed } from '$lib/server/api/operation';
import { changeFiguresOperation } from '$lib/server/changes/changes-api';

export const GET = changeFiguresOperation.handle;
export const fallback = methodNotAllowed(changeFiguresOperation);
