import { methodNotAllowed } from '$lib/server/api/operation';
import {
  deleteIntegrationOperation,
  getIntegrationOperation,
  updateIntegrationOperation
} from '$lib/server/alerts/alerts-api';

export const GET = getIntegrationOperation.handle;
export const PATCH = updateIntegrationOperation.handle;
export const DELETE = deleteIntegrationOperation.handle;
export const fallback = methodNotAllowed(
  getIntegrationOperation,
  updateIntegrationOperation,
  deleteIntegrationOperation
);
