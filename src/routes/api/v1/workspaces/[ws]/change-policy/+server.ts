import { methodNotAllowed } from '$lib/server/api/operation';
import {
  getChangePolicyOperation,
  updateChangePolicyOperation
} from '$lib/server/changes/changes-api';

export const GET = getChangePolicyOperation.handle;
export const PUT = updateChangePolicyOperation.handle;
export const fallback = methodNotAllowed(getChangePolicyOperation, updateChangePolicyOperation);
