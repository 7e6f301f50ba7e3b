import { methodNotAllowed } from '$lib/server/api/operation';
import { addIncidentNoteOperation } from '$lib/server/alerts/alerts-api';

export const POST = addIncidentNoteOperation.handle;
export const fallback = methodNotAllowed(addIncidentNoteOperation);
