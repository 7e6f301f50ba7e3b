/**
 * Who may read `/metrics` (DESIGN.md §2 "`/metrics` access"), framework-free so the app's route
 * (metrics-api.ts) and the sync-only node (entries/sync-main.ts) decide the same way: open when
 * no `METRICS_TOKEN` is set, else only `Authorization: Bearer <METRICS_TOKEN>`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from '../auth/authenticate';

/** The 401 body (the REST error shape) and its headers. */
export const METRICS_UNAUTHORIZED = {
  body: { error: { code: 'unauthorized', message: 'a valid metrics token is required' } },
  headers: { 'www-authenticate': 'Bearer realm="metrics"', 'cache-control': 'no-store' }
} as const;

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

/** Whether a request with this `Authorization` header may read the metrics. */
export function metricsAllowed(
  authorization: string | null | undefined,
  required: string | undefined
): boolean {
  if (!required) return true;
  return tokenMatches(bearerToken(authorization), required);
}
