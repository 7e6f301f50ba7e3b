import { methodNotAllowed } from '$lib/server/api/operation';
import { rotateIntegrationSecretOperation } from '$lib/server/alerts/alerts-api';

export const POST = rotateIntegrationSecretOperation.handle;
export const fallback = methodNotAllowed(rotateIntegrationSecretOperation);
