import { methodNotAllowed } from '$lib/server/api/operation';
import { createWindowOperation, listWindowsOperation } from '$lib/server/alerts/alerts-api';

export const GET = listWindowsOperation.handle;
export const POST = createWindowOperation.handle;
export const fallback = methodNotAllowed(listWindowsOperation, createWindowOperation);
