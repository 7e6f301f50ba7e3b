// Sync round trips on the live board while alerts pour in: K stock y-websocket clients (API
// tokens) on `<ws>.board`; in turn one of them writes a small change (the title of its probe
// task) and the others time how long until they see it. The incident cards intake writes go
// through the same board document, so this is what a person looking at the board feels.
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { whenSynced } from '../provider.mjs';

/**
 * @typedef {object} ProbeClient
 * @property {Y.Doc} doc
 * @property {WebsocketProvider} provider
 */

/**
 * Connects one client per token to `docName` and waits until each is synced and holds every
 * probe task (one per client: the task client i writes).
 * @param {{ baseUrl: string, docName: string, tokens: string[], taskIds: string[] }} o
 * @returns {Promise<ProbeClient[]>}
 */
export async function connectProbeClients(o) {
  const clients = o.tokens.map((token) => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(o.baseUrl, o.docName, doc, {
      WebSocketPolyfill: /** @type {any} */ (WebSocket),
      params: { token },
      // No cross-tab channel in Node; nothing to share with.
      disableBc: true
    });
    return { doc, provider };
  });
  await Promise.all(clients.map((c) => whenSynced(c.provider, 60_000)));
  for (const c of clients)
    for (const id of o.taskIds)
      if (!(c.doc.getMap('tasks').get(id) instanceof Y.Map))
        throw new Error(`a board client does not see the probe task ${id}`);
  return clients;
}

/** @param {ProbeClient[]} clients */
export function closeProbeClients(clients) {
  for (const c of clients) {
    c.provider.destroy();
    c.doc.destroy();
  }
}

/**
 * Writes a probe every `intervalMs` until `stop()`, the writer rotating over the clients, each
 * writing the title of its own task (`taskIds[i]`); each other client records the time from
 * the write to its seeing it. One writer's updates arrive in order, so a client that sees
 * probe n of a writer has received every earlier probe of that writer too, even when the
 * server merged them into one message (the earlier title then never shows): they count as
 * received at that moment. `stop()` waits up to 3 s for the last probes, then returns the
 * latencies (ms) and how many deliveries never came.
 * @param {ProbeClient[]} clients
 * @param {string[]} taskIds
 * @param {number} intervalMs
 */
export function startProbing(clients, taskIds, intervalMs) {
  /** @type {Map<number, number>} send time by probe number */
  const sentAt = new Map();
  /** @type {number[]} */
  const latencies = [];
  let seq = 0;
  const writerOf = (/** @type {number} */ n) => n % clients.length;
  /** @type {number[][]} per receiver, per writer: the last probe number seen */
  const lastSeen = clients.map(() => clients.map(() => 0));
  const unobserve = clients.flatMap((client, receiver) =>
    taskIds.map((taskId, writer) => {
      if (writer === receiver) return () => {};
      const task = /** @type {Y.Map<unknown>} */ (client.doc.getMap('tasks').get(taskId));
      /** @param {Y.YMapEvent<unknown>} event */
      const onChange = (event) => {
        if (event.transaction.local || !event.keysChanged.has('title')) return;
        const m = /^sync probe (\d+)$/.exec(String(task.get('title')));
        if (!m) return;
        const now = performance.now();
        const seen = /** @type {number[]} */ (lastSeen[receiver]);
        const n = Number(m[1]);
        for (let k = (seen[writer] ?? 0) + 1; k <= n; k++) {
          const sent = sentAt.get(k);
          if (sent !== undefined && writerOf(k) === writer) latencies.push(now - sent);
        }
        seen[writer] = Math.max(seen[writer] ?? 0, n);
      };
      task.observe(onChange);
      return () => task.unobserve(onChange);
    })
  );
  const timer = setInterval(() => {
    const n = ++seq;
    const writer = writerOf(n);
    const doc = /** @type {ProbeClient} */ (clients[writer]).doc;
    const task = /** @type {Y.Map<unknown>} */ (doc.getMap('tasks').get(taskIds[writer] ?? ''));
    sentAt.set(n, performance.now());
    doc.transact(() => task.set('title', `sync probe ${n}`));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      const expected = sentAt.size * (clients.length - 1);
      const deadline = performance.now() + 3000;
      while (latencies.length < expected && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      for (const off of unobserve) off();
      return { probes: sentAt.size, latencies, missing: expected - latencies.length };
    }
  };
}
