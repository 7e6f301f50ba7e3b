import { methodNotAllowed } from '$lib/server/api/operation';
import { uploadFileOperation } from '$lib/server/runbooks/runbooks-api';

export const POST = uploadFileOperation.handle;
export const fallback = methodNotAllowed(uploadFileOperation);
