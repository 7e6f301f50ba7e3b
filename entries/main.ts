/**
 * The production entry (`npm start`): one Node process, one port, serving the SvelteKit app
 * (adapter-node's handler), the REST API, and the websocket endpoint `/sync/<docName>`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { runProcess } from './process';

type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

// adapter-node refuses bodies over its own limit (512K) before our handlers see them; the API's
// limits are the ones that should answer: JSON bodies 1 MiB (src/lib/server/api/operation.ts),
// image uploads 5 MiB (src/lib/server/runbooks/files-store.ts), CMDB imports 16 MiB
// (src/lib/server/cmdb/cmdb-api.ts), so the outer limit sits above them all.
process.env.BODY_SIZE_LIMIT ??= '17M';

// adapter-node builds request URLs as https://<Host> unless ORIGIN or PROTOCOL_HEADER says
// otherwise. A plain-http install (the default `npm start` on a LAN) would then set Secure
// cookies the browser drops and refuse its own form posts as cross-site. Unless configured, the
// protocol is taken from a TLS-terminating proxy's X-Forwarded-Proto, else from the connection,
// and passed on in a header of our own that is overwritten on every request. A client can only
// choose it for its own request, which cannot weaken the CSRF check for anyone else.
const PROTOCOL_HEADER = 'x-runboard-protocol';
const deriveProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (deriveProtocol) process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;

function requestProtocol(request: IncomingMessage): 'http' | 'https' {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  if (first === 'http' || first === 'https') return first;
  return (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
}

await runProcess('runboard', async (runtime) => {
  // Imported after the runtime exists: the SvelteKit bundle picks it up from globalThis.
  const handlerUrl = new URL('../handler.js', import.meta.url).href;
  const { handler } = (await import(handlerUrl)) as { handler: Handler };
  const server = createServer((request, response) => {
    // Static assets are served before SvelteKit's hooks run; these two apply to them as well.
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'same-origin');
    if (deriveProtocol) request.headers[PROTOCOL_HEADER] = requestProtocol(request);
    handler(request, response);
  });
  runtime.syncServer.attach(server, { exclusive: true });
  return server;
});
