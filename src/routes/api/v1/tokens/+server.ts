import { methodNotAllowed } from '$lib/server/api/operation';
import { createTokenOperation, listTokensOperation } from '$lib/server/accounts/accounts-api';

export const GET = listTokensOperation.handle;
export const POST = createTokenOperation.handle;
export const fallback = methodNotAllowed(listTokensOperation, createTokenOperation);
