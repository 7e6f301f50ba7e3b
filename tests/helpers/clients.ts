/**
 * Test clients: the stock y-websocket provider (as real apps use it) and a raw websocket
 * (for bytes no library would send).
 */
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/** A stock WebsocketProvider in Node (ws as the WebSocket implementation). */
export function connectClient(
  wsUrl: string,
  docName: string,
  options: { connect?: boolean; doc?: Y.Doc; params?: Record<string, string> } = {}
): TestClient {
  const doc = options.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, docName, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    connect: options.connect ?? true,
    disableBc: true,
    maxBackoffTime: 200,
    params: options.params ?? {}
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      doc.destroy();
    }
  };
}

/** Resolves when the provider has completed sync step 2. */
export function whenSynced(client: TestClient, timeoutMs = 10_000): Promise<void> {
  if (client.provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('provider did not sync')), timeoutMs);
    const onSync = (synced: boolean) => {
      if (!synced) return;
      clearTimeout(timer);
      client.provider.off('sync', onSync);
      resolve();
    };
    client.provider.on('sync', onSync);
  });
}

/** Polls `predicate` until it holds or the timeout passes. */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 5_000,
  what = 'condition'
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface RawClient {
  ws: WebSocket;
  messages: Buffer[];
  /** Resolves with the close code. */
  closed: Promise<number>;
  opened: Promise<void>;
}

/** A raw websocket to `/sync/<name>` that records every frame and the close code. */
export function rawClient(
  wsUrl: string,
  docName: string,
  options: { headers?: Record<string, string>; query?: string } = {}
): RawClient {
  const ws = new WebSocket(`${wsUrl}/${docName}${options.query ?? ''}`, {
    headers: options.headers
  });
  const messages: Buffer[] = [];
  ws.on('message', (data: Buffer) => messages.push(data));
  ws.on('error', () => {});
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`closed before open (${code})`)));
  });
  opened.catch(() => {});
  return { ws, messages, closed, opened };
}

/**
 * The test types of a document as plain data for comparisons. Map keys are sorted: a Y.Map's
 * iteration order is local insertion order, which differs between replicas.
 */
export function docJson(doc: Y.Doc): unknown {
  const map = doc.getMap('map').toJSON();
  return {
    text: doc.getText('text').toString(),
    map: Object.fromEntries(
      Object.keys(map)
        .sort()
        .map((k) => [k, map[k]])
    ),
    array: doc.getArray('array').toJSON()
  };
}
