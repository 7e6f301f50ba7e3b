/**
 * The production entry (`npm start`): one Node process, one port, serving the SvelteKit app
 * (adapter-node's handler), the REST API, and the websocket endpoint `/sync/<docName>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { runProcess } from './process';

type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

await runProcess('runboard', async (runtime) => {
  // Imported after the runtime exists: the SvelteKit bundle picks it up from globalThis.
  const handlerUrl = new URL('../handler.js', import.meta.url).href;
  const { handler } = (await import(handlerUrl)) as { handler: Handler };
  const server = createServer((request, response) => handler(request, response));
  runtime.syncServer.attach(server, { exclusive: true });
  return server;
});
