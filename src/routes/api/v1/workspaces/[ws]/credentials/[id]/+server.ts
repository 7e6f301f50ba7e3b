import { methodNotAllowed } from '$lib/server/api/operation';
import {
  updateCredentialOperation,
  deleteCredentialOperation
} from '$lib/server/automation/automation-api';

export const PATCH = updateCredentialOperation.handle;
export const DELETE = deleteCredentialOperation.handle;
export const fallback = methodNotAllowed(updateCredentialOperation, deleteCredentialOperation);
