import { metricsResponse } from '$lib/server/metrics/metrics-api';
import type { RequestHandler } from './$types';

/** Prometheus metrics of this node (docs/metrics.md); bearer `METRICS_TOKEN` when it is set. */
export const GET: RequestHandler = ({ request }) => metricsResponse(request);
