import { json } from '@sveltejs/kit';
import { handleApiError } from '$lib/server/api/errors';
import { getOpenApiDocument } from '$lib/server/api/registry';
import type { RequestHandler } from './$types';

/** The OpenAPI 3.1 description of `/api/v1`. */
export const GET: RequestHandler = async (event) => {
  try {
    return json(getOpenApiDocument(), { headers: { 'cache-control': 'no-cache' } });
  } catch (error) {
    return handleApiError(error, event);
  }
};
