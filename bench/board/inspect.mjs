// The board as a Node client (the stock y-websocket provider with an API token) sees it right
// after a server started: shared by the board and archive benchmarks.
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { whenSynced } from '../provider.mjs';
import { sleep } from '../sync/proc.mjs';

/**
 * The board as a Node client sees it right after the server started: the time until the first
 * sync (an upgraded server migrates the board on that load), then, once the server's own work
 * on it has settled (no change for 3 s), the document's size and the tasks on the live board.
 * @param {string} baseUrl
 * @param {string} docName
 * @param {string} token
 */
export async function inspectBoard(baseUrl, docName, token) {
  const doc = new Y.Doc();
  const t0 = performance.now();
  const provider = new WebsocketProvider(baseUrl, docName, doc, {
    WebSocketPolyfill: /** @type {any} */ (WebSocket),
    params: { token },
    disableBc: true
  });
  try {
    await whenSynced(provider, 600_000);
    const firstSyncMs = performance.now() - t0;
    let last = performance.now();
    doc.on('update', () => {
      last = performance.now();
    });
    const settleStart = performance.now();
    while (performance.now() - last < 3000 && performance.now() - settleStart < 600_000) {
      await sleep(250);
    }
    const tasks = doc.getMap('tasks');
    let live = 0;
    tasks.forEach((value) => {
      if (value instanceof Y.Map && (value.get('archivedAt') ?? null) === null) live++;
    });
    return {
      firstSyncMs,
      settledMs: last - t0,
      bytes: Y.encodeStateAsUpdate(doc).byteLength,
      entries: tasks.size,
      live
    };
  } finally {
    provider.destroy();
    doc.destroy();
  }
}
