/**
 * `GET /metrics` (DESIGN.md §2 "`/metrics` access"): the Prometheus exposition of this process.
 * Open by default; with `METRICS_TOKEN` set, `Authorization: Bearer <METRICS_TOKEN>` is required
 * and anything else is a 401 JSON error (metrics-access.ts). Not part of the REST API's OpenAPI
 * document, like /healthz and /readyz.
 */
import { json } from '@sveltejs/kit';
import { getRuntime } from '../runtime';
import { METRICS_UNAUTHORIZED, metricsAllowed } from './metrics-access';

/** The answer to `GET /metrics`. */
export async function metricsResponse(request: Request): Promise<Response> {
  const runtime = await getRuntime();
  if (!metricsAllowed(request.headers.get('authorization'), runtime.config.metricsToken)) {
    return json(METRICS_UNAUTHORIZED.body, { status: 401, headers: METRICS_UNAUTHORIZED.headers });
  }
  const { contentType, body } = await runtime.metrics.exposition();
  return new Response(body, {
    headers: { 'content-type': contentType, 'cache-control': 'no-store' }
  });
}
