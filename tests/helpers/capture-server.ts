/**
 * A local stand-in for every receiver Runboard posts to (Alertmanager's webhook in the harness
 * tests; Slack, Mattermost, DingTalk, WeCom, Feishu and generic webhooks in the notification
 * tests): an HTTP server on 127.0.0.1 port 0 that keeps every request, body parsed as JSON, and
 * answers as told. `behave` switches what it does next, to play a receiver that is down:
 * - `ok`: 200 with `answer` (default `{}`; a chat robot's `{ "errcode": 0 }` where it matters);
 * - `fail`: 500;
 * - `hang`: keeps the request open until it is switched back or closed (a timeout);
 * - `reject`: ends the connection without an answer.
 * Requests are kept in every mode, so a test sees each attempt.
 */
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type ServerResponse
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the capture server received, its body parsed as JSON. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The body as it arrived (signatures are over the exact bytes). */
  raw: string;
}

export type CaptureBehaviour = 'ok' | 'fail' | 'hang' | 'reject';

export interface CaptureServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request so far, in arrival order. */
  requests: CapturedRequest[];
  /** What it does with the next requests; `answer` is the 200 body in `ok` mode. */
  behave(mode: CaptureBehaviour, answer?: (request: CapturedRequest) => unknown): void;
  close(): Promise<void>;
}

/** A receiver on 127.0.0.1 port 0; see the file comment. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  let mode: CaptureBehaviour = 'ok';
  let answer: (request: CapturedRequest) => unknown = () => ({});
  const hanging = new Set<ServerResponse>();
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // Not JSON: kept as text, so a test sees what arrived.
      }
      const captured: CapturedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
        raw
      };
      requests.push(captured);
      if (mode === 'ok') {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(answer(captured)));
      } else if (mode === 'fail') {
        response.writeHead(500, { 'content-type': 'text/plain' }).end('down for maintenance');
      } else if (mode === 'hang') {
        hanging.add(response);
      } else {
        request.socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    behave(next, nextAnswer) {
      mode = next;
      if (nextAnswer) answer = nextAnswer;
      if (next !== 'hang') {
        for (const response of hanging) response.socket?.destroy();
        hanging.clear();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
