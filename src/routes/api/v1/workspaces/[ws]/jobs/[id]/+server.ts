import { methodNotAllowed } from '$lib/server/api/operation';
import {
  getJobOperation,
  updateJobOperation,
  deleteJobOperation
} from '$lib/server/automation/automation-api';

export const GET = getJobOperation.handle;
export const PATCH = updateJobOperation.handle;
export const DELETE = deleteJobOperation.handle;
export const fallback = methodNotAllowed(getJobOperation, updateJobOperation, deleteJobOperation);
