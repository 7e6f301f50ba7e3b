import { methodNotAllowed } from '$lib/server/api/operation';
import {
  markIncidentCauseOperation,
  unmarkIncidentCauseOperation
} from '$lib/server/changes/changes-api';

export const POST = markIncidentCauseOperation.handle;
export const DELETE = unmarkIncidentCauseOperation.handle;
export const fallback = methodNotAllowed(markIncidentCauseOperation, unmarkIncidentCauseOperation);
