import { methodNotAllowed } from '$lib/server/api/operation';
import {
  createRunbookVersionOperation,
  listRunbookVersionsOperation
} from '$lib/server/runbooks/runbooks-api';

export const GET = listRunbookVersionsOperation.handle;
export const POST = createRunbookVersionOperation.handle;
export const fallback = methodNotAllowed(
  listRunbookVersionsOperation,
  createRunbookVersionOperation
);
