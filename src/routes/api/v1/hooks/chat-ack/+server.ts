import { methodNotAllowed } from '$lib/server/api/operation';
import { chatAcknowledgeOperation } from '$lib/server/alerts/alerts-api';

export const POST = chatAcknowledgeOperation.handle;
export const fallback = methodNotAllowed(chatAcknowledgeOperation);
