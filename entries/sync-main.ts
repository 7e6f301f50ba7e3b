/**
 * Standalone sync node: only the websocket endpoint plus /healthz, /readyz and /metrics (its own,
 * with the app's METRICS_TOKEN rule), for scale-out
 * deployments where pages and the REST API run elsewhere. `npm run start:sync`.
 */
import { createServer } from 'node:http';
import { checkReadiness } from '../src/lib/server/probes';
import { METRICS_UNAUTHORIZED, metricsAllowed } from '../src/lib/server/metrics/metrics-access';
import { runProcess } from './process';

await runProcess('sync-server', (runtime) => {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (path === '/readyz') {
      void checkReadiness(runtime).then((readiness) => {
        response.writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json' });
        response.end(JSON.stringify(readiness));
      });
      return;
    }
    if (path === '/metrics' && (request.method === 'GET' || request.method === 'HEAD')) {
      // This node's own metrics (docs/metrics.md), with the app's access rule.
      if (!metricsAllowed(request.headers.authorization, runtime.config.metricsToken)) {
        response.writeHead(401, {
          'content-type': 'application/json',
          ...METRICS_UNAUTHORIZED.headers
        });
        response.end(JSON.stringify(METRICS_UNAUTHORIZED.body));
        return;
      }
      void runtime.metrics.exposition().then(({ contentType, body }) => {
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : body);
      });
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code: 'not_found', message: 'Not found' } }));
  });
  runtime.syncServer.attach(server, { exclusive: true });
  return server;
});
