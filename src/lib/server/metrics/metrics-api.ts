/**
 * `GET /metrics` (DESIGN.md §2 "`/metrics` access"): the Prometheus exposition of this process.
 * Open by default; with `METRICS_TOKEN` set, `Authorization: Bearer <METRICS_TOKEN>` is required
 * and anything else is a 401 JSON error. Not part of the REST API's OpenAPI document, like
 * /healthz and /readyz.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ApiError, errorResponse } from '../api/errors';
import { bearerToken } from '../auth/authenticate';
import { getRuntime } from '../runtime';

/**
 * Whether `given` is `expected`, in time that does not depend on where they differ: both are
 * hashed first, so even their lengths do not leak.
 */
export function tokenMatches(given: string | null, expected: string): boolean {
  const a = createHash('sha256')
    .update(given ?? '')
    .digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given !== null;
}

/** The answer to `GET /metrics`. */
export async function metricsResponse(request: Request): Promise<Response> {
  const runtime = await getRuntime();
  const required = runtime.config.metricsToken;
  if (required) {
    const given = bearerToken(request.headers.get('authorization'));
    if (!tokenMatches(given, required)) {
      return errorResponse(
        new ApiError(401, 'unauthorized', 'a valid metrics token is required', undefined, {
          'www-authenticate': 'Bearer realm="metrics"'
        })
      );
    }
  }
  const { contentType, body } = await runtime.metrics.exposition();
  return new Response(body, {
    headers: { 'content-type': contentType, 'cache-control': 'no-store' }
  });
}
