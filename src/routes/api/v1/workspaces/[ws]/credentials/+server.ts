import { methodNotAllowed } from '$lib/server/api/operation';
import {
  listCredentialsOperation,
  createCredentialOperation
} from '$lib/server/automation/automation-api';

export const GET = listCredentialsOperation.handle;
export const POST = createCredentialOperation.handle;
export const fallback = methodNotAllowed(listCredentialsOperation, createCredentialOperation);
