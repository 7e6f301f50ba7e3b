import { methodNotAllowed } from '$lib/server/api/operation';
import {
  createIntegrationOperation,
  listIntegrationsOperation
} from '$lib/server/alerts/alerts-api';

export const GET = listIntegrationsOperation.handle;
export const POST = createIntegrationOperation.handle;
export const fallback = methodNotAllowed(listIntegrationsOperation, createIntegrationOperation);
