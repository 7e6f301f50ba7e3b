import { methodNotAllowed } from '$lib/server/api/operation';
import { getAnomalySettingsOperation, updateAnomalySettingsOperation } from '$lib/server/ai/ai-api';

export const GET = getAnomalySettingsOperation.handle;
export const PATCH = updateAnomalySettingsOperation.handle;
export const fallback = methodNotAllowed(
  getAnomalySettingsOperation,
  updateAnomalySettingsOperation
);
