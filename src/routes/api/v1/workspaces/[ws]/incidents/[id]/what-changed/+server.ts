import { methodNotAllowed } from '$lib/server/api/operation';
import { incidentWhatChangedOperation } from '$lib/server/changes/changes-api';

export const GET = incidentWhatChangedOperation.handle;
export const fallback = methodNotAllowed(incidentWhatChangedOperation);
