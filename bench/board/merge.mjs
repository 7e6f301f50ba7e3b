// Merge of offline edits: two clients (stock y-websocket WebsocketProvider + Y.Doc in Node, as
// API-token clients) and a third that stays online (what everyone else sees) load the seeded
// board, the two go offline, each makes N edits with the board model, and both reconnect at
// the same moment. Measured: reconnect -> both clients and the online one hold the same board
// (state vectors equal, every new task numbered by the server, content hashes equal). The
// in-process reference applies the same updates with Y.applyUpdate only (pure Yjs merge cost).
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

/**
 * @typedef {object} MergeOptions
 * @property {string} baseUrl  ws://127.0.0.1:<port>/sync
 * @property {string} docName
 * @property {string[]} tokens API tokens for client A, client B and the online observer
 * @property {string[]} memberIds assignee candidates
 * @property {string[]} actors member ids of A and B
 * @property {number} edits edits per client
 * @property {any} lib the bundled bench/board/board-data.ts
 * @property {(s: string) => void} log
 */

/**
 * @param {string} baseUrl
 * @param {string} docName
 * @param {string} token
 */
function connect(baseUrl, docName, token) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(baseUrl, docName, doc, {
    WebSocketPolyfill: /** @type {any} */ (WebSocket),
    params: { token },
    // No cross-tab channel in Node; nothing to share with.
    disableBc: true
  });
  return { doc, provider };
}

/**
 * @param {WebsocketProvider} provider
 * @param {number} timeoutMs
 */
function whenSynced(provider, timeoutMs) {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sync within ${timeoutMs} ms`)), timeoutMs);
    /** @param {boolean} synced */
    const onSync = (synced) => {
      if (!synced) return;
      clearTimeout(timer);
      provider.off('sync', onSync);
      resolve(undefined);
    };
    provider.on('sync', onSync);
  });
}

/**
 * @param {MergeOptions} o
 */
export async function runMerge(o) {
  const { lib, log } = o;
  const t0 = performance.now();
  const a = connect(o.baseUrl, o.docName, /** @type {string} */ (o.tokens[0]));
  const b = connect(o.baseUrl, o.docName, /** @type {string} */ (o.tokens[1]));
  const w = connect(o.baseUrl, o.docName, /** @type {string} */ (o.tokens[2]));
  const all = [a, b, w];
  try {
    await Promise.all(all.map((c) => whenSynced(c.provider, 60_000)));
    const loadMs = performance.now() - t0;
    const tasks = a.doc.getMap('tasks').size;
    log(`    three clients loaded the board (${tasks} tasks) in ${loadMs.toFixed(0)} ms`);

    // Offline: the provider closes its socket and stops reconnecting until connect().
    a.provider.disconnect();
    b.provider.disconnect();
    const base = Y.encodeStateAsUpdate(a.doc);
    const svA = Y.encodeStateVector(a.doc);
    const svB = Y.encodeStateVector(b.doc);
    const te = performance.now();
    const mixA = lib.makeOfflineEdits(a.doc, {
      count: o.edits,
      seed: 101,
      memberIds: o.memberIds,
      actor: o.actors[0]
    });
    const editAMs = performance.now() - te;
    const mixB = lib.makeOfflineEdits(b.doc, {
      count: o.edits,
      seed: 202,
      memberIds: o.memberIds,
      actor: o.actors[1]
    });
    // What each client will send: everything the server has not seen.
    const updA = Y.encodeStateAsUpdate(a.doc, svA);
    const updB = Y.encodeStateAsUpdate(b.doc, svB);
    log(
      `    offline: A made ${o.edits} edits in ${editAMs.toFixed(0)} ms (${fmtMix(mixA)}), ` +
        `B ${fmtMix(mixB)}; pending ${(updA.byteLength / 1024).toFixed(0)} KB + ${(updB.byteLength / 1024).toFixed(0)} KB`
    );

    // ---- reconnect both at the same moment, wait until all three converge
    const converged = waitConverged(lib, all, 60_000);
    const tr = performance.now();
    a.provider.connect();
    b.provider.connect();
    const r = await converged;
    const mergeMs = r.at - tr;
    log(
      `    reconnect -> converged in ${mergeMs.toFixed(0)} ms (${r.checks} checks, ` +
        `first equal state vectors at ${(r.firstSvEqual - tr).toFixed(0)} ms); ` +
        `hash ${r.hash}, ${a.doc.getMap('tasks').size} tasks, all keyed`
    );

    // ---- pure Yjs merge cost, same updates, in this process
    const ref = referenceMerge(lib, base, updA, updB);
    log(
      `    reference (in-process Y.applyUpdate): B's edits into A ${ref.applyIntoAMs.toFixed(0)} ms, ` +
        `both into the base ${ref.applyBothMs.toFixed(0)} ms; equal: ${ref.equal}`
    );
    return {
      tasks,
      loadMs,
      edits: o.edits,
      mixA,
      mixB,
      pendingBytesA: updA.byteLength,
      pendingBytesB: updB.byteLength,
      mergeMs,
      firstSvEqualMs: r.firstSvEqual - tr,
      checks: r.checks,
      hash: r.hash,
      reference: ref
    };
  } finally {
    for (const c of all) {
      c.provider.destroy();
      c.doc.destroy();
    }
  }
}

/** @param {Record<string, number>} mix */
const fmtMix = (mix) =>
  Object.entries(mix)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');

/**
 * Resolves when every client has the same state vector, no task lacks a human key (the server
 * numbers the new ones after the merge, and that is part of "merged"), and the content hashes
 * agree. Checked after every update any of them receives (at most once per event-loop turn).
 * @param {any} lib
 * @param {{ doc: Y.Doc }[]} clients
 * @param {number} timeoutMs
 * @returns {Promise<{ at: number, checks: number, firstSvEqual: number, hash: string }>}
 */
function waitConverged(lib, clients, timeoutMs) {
  return new Promise((resolve, reject) => {
    let scheduled = false;
    let checks = 0;
    let firstSvEqual = NaN;
    const docs = clients.map((c) => c.doc);
    const check = () => {
      scheduled = false;
      checks++;
      const [first, ...rest] = docs;
      if (!first || !rest.every((d) => lib.sameStateVector(first, d))) return;
      if (Number.isNaN(firstSvEqual)) firstSvEqual = performance.now();
      if (lib.keylessCount(first) > 0) return;
      const at = performance.now();
      const hashes = docs.map((d) => lib.contentHash(d));
      if (!hashes.every((h) => h === hashes[0])) return;
      done();
      resolve({ at, checks, firstSvEqual, hash: /** @type {string} */ (hashes[0]) });
    };
    const onUpdate = () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(check);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`clients did not converge within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      for (const d of docs) d.off('update', onUpdate);
    };
    for (const d of docs) d.on('update', onUpdate);
  });
}

/**
 * @param {any} lib
 * @param {Uint8Array} base
 * @param {Uint8Array} updA
 * @param {Uint8Array} updB
 */
function referenceMerge(lib, base, updA, updB) {
  const load = (/** @type {Uint8Array[]} */ ...updates) => {
    const doc = new Y.Doc();
    for (const u of updates) Y.applyUpdate(doc, u);
    return doc;
  };
  // Client A's side: its own state, then B's offline edits arrive.
  const docA = load(base, updA);
  let t = performance.now();
  Y.applyUpdate(docA, updB);
  const applyIntoAMs = performance.now() - t;
  // The server's side: the base, then both clients' edits.
  const docS = load(base);
  t = performance.now();
  Y.applyUpdate(docS, updA);
  Y.applyUpdate(docS, updB);
  const applyBothMs = performance.now() - t;
  const equal = lib.sameStateVector(docA, docS) && lib.contentHash(docA) === lib.contentHash(docS);
  docA.destroy();
  docS.destroy();
  return { applyIntoAMs, applyBothMs, equal };
}
