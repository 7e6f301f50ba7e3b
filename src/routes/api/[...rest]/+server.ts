import { apiNotFound } from '$lib/server/api/operation';

// Unknown `/api/…` paths answer with the JSON error body (any method), not the HTML 404 page.
export const fallback = apiNotFound;
