/**
 * The production entry (`npm start`): one Node process, one port, serving the SvelteKit app
 * (adapter-node's handler), the REST API, and the websocket endpoint `/sync/<docName>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { runProcess } from './process';

type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

// adapter-node refuses bodies over its own limit (512K) before our handlers see them; the API's
// limit (1 MiB, src/lib/server/api/operation.ts) is the one that should answer.
process.env.BODY_SIZE_LIMIT ??= '1M';

await runProcess('runboard', async (runtime) => {
  // Imported after the runtime exists: the SvelteKit bundle picks it up from globalThis.
  const handlerUrl = new URL('../handler.js', import.meta.url).href;
  const { handler } = (await import(handlerUrl)) as { handler: Handler };
  const server = createServer((request, response) => {
    // Static assets are served before SvelteKit's hooks run; these two apply to them as well.
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'same-origin');
    handler(request, response);
  });
  runtime.syncServer.attach(server, { exclusive: true });
  return server;
});
