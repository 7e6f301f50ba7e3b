/**
 * Standalone sync node: only the websocket endpoint plus /healthz and /readyz, for scale-out
 * deployments where pages and the REST API run elsewhere. `npm run start:sync`.
 */
import { createServer } from 'node:http';
import { checkReadiness } from '../src/lib/server/probes';
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
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { code: 'not_found', message: 'Not found' } }));
  });
  runtime.syncServer.attach(server, { exclusive: true });
  return server;
});
