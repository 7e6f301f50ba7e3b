// Merge of offline edits: two clients (stock y-websocket WebsocketProvider + Y.Doc in Node, as
// API-token clients) load the seeded board, go offline, each makes N edits with the board
// model, and both reconnect at the same moment. Measured: reconnect -> both hold the same board
// (state vectors equal, every new task numbered by the server, content hashes equal). The server
// broadcasts an update only once it is stored, so by then it holds both sets of edits too; a
// fresh client loads the board from the server right after and checks it is the same. The
// in-process reference applies the same updates with Y.applyUpdate only (pure Yjs merge cost).
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { CLK_TCK, cpuMark } from '../sync/proc.mjs';
import { whenSynced } from '../provider.mjs';

/**
 * @typedef {object} MergeOptions
 * @property {string} baseUrl  ws://127.0.0.1:<port>/sync
 * @property {string} docName
 * @property {string[]} tokens API tokens for client A, client B and the server check
 * @property {string[]} memberIds assignee candidates
 * @property {string[]} actors member ids of A and B
 * @property {number} edits edits per client
 * @property {any} lib the bundled bench/board/board-data.ts
 * @property {(s: string) => void} log
 * @property {number | null} serverPid the server's pid, for its CPU time during the merge
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
 * @param {MergeOptions} o
 */
export async function runMerge(o) {
  const { lib, log } = o;
  const t0 = performance.now();
  const a = connect(o.baseUrl, o.docName, /** @type {string} */ (o.tokens[0]));
  const b = connect(o.baseUrl, o.docName, /** @type {string} */ (o.tokens[1]));
  const all = [a, b];
  try {
    await Promise.all(all.map((c) => whenSynced(c.provider, 120_000)));
    const loadMs = performance.now() - t0;
    const tasks = a.doc.getMap('tasks').size;
    log(`    two clients loaded the board (${tasks} tasks) in ${loadMs.toFixed(0)} ms`);

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
    // Both clients' edits are in a replica once its state vector covers both offline ones;
    // recorded per replica to tell the data's arrival from the server's key numbering after it.
    const target = unionStateVector([Y.encodeStateVector(a.doc), Y.encodeStateVector(b.doc)]);
    /** @type {Record<string, number>} */
    const editsIn = {};
    const names = ['A', 'B'];
    const offs = all.map((c, i) => {
      const onUpdate = () => {
        const name = /** @type {string} */ (names[i]);
        if (editsIn[name] === undefined && covers(Y.encodeStateVector(c.doc), target))
          editsIn[name] = performance.now();
      };
      c.doc.on('update', onUpdate);
      return () => c.doc.off('update', onUpdate);
    });
    const cpu0 = cpuMark(o.serverPid ? [o.serverPid] : []);
    const own0 = process.cpuUsage();
    // CPU is read the moment convergence is seen, before the content hashes are computed.
    /** @type {{ server: ReturnType<typeof cpuMark>, own: NodeJS.CpuUsage } | null} */
    let cpuAt = null;
    const converged = waitConverged(lib, all, 120_000, () => {
      cpuAt = { server: cpuMark(o.serverPid ? [o.serverPid] : []), own: process.cpuUsage(own0) };
    });
    const tr = performance.now();
    a.provider.connect();
    b.provider.connect();
    const r = await converged;
    const mergeMs = r.at - tr;
    const at = /** @type {{ server: ReturnType<typeof cpuMark>, own: NodeJS.CpuUsage } | null} */ (
      cpuAt
    );
    const serverCpuMs =
      at && o.serverPid
        ? ((at.server.ticks[0] ?? NaN) - (cpu0.ticks[0] ?? NaN)) * (1000 / CLK_TCK)
        : NaN;
    const clientsCpuMs = at ? (at.own.user + at.own.system) / 1000 : NaN;
    for (const off of offs) off();
    const arrivals = Object.fromEntries(Object.entries(editsIn).map(([k, v]) => [k, v - tr]));
    log(
      `    reconnect -> converged in ${mergeMs.toFixed(0)} ms (${r.checks} checks, ` +
        `first equal state vectors at ${(r.firstSvEqual - tr).toFixed(0)} ms); ` +
        `hash ${r.hash}, ${a.doc.getMap('tasks').size} tasks, all keyed`
    );
    log(
      `    both clients' edits arrived in: ${Object.entries(arrivals)
        .map(([k, v]) => `${k} ${v.toFixed(0)} ms`)
        .join(', ')}; CPU during the merge: server ${serverCpuMs.toFixed(0)} ms, ` +
        `the two clients (this process) ${clientsCpuMs.toFixed(0)} ms`
    );

    // ---- the server's copy: a fresh client loads it (not timed) and must hold the same board
    const check = connect(o.baseUrl, o.docName, /** @type {string} */ (o.tokens[2]));
    let serverEqual = false;
    try {
      await whenSynced(check.provider, 120_000);
      serverEqual = lib.sameStateVector(check.doc, a.doc) && lib.contentHash(check.doc) === r.hash;
    } finally {
      check.provider.destroy();
      check.doc.destroy();
    }
    log(
      `    the server's copy, loaded by a fresh client afterwards: ${serverEqual ? 'the same' : 'DIFFERENT'}`
    );
    if (!serverEqual) throw new Error('the server does not hold the merged board');

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
      serverEqual,
      editsArrivedMs: arrivals,
      serverCpuMs,
      clientsCpuMs,
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

/**
 * Per client the highest clock of any of the encoded state vectors.
 * @param {Uint8Array[]} encoded
 */
function unionStateVector(encoded) {
  /** @type {Map<number, number>} */
  const out = new Map();
  for (const e of encoded)
    for (const [client, clock] of Y.decodeStateVector(e))
      out.set(client, Math.max(clock, out.get(client) ?? 0));
  return out;
}

/**
 * Whether the encoded state vector `sv` has everything `target` has.
 * @param {Uint8Array} sv
 * @param {Map<number, number>} target
 */
function covers(sv, target) {
  const have = Y.decodeStateVector(sv);
  for (const [client, clock] of target) if ((have.get(client) ?? 0) < clock) return false;
  return true;
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
 * @param {() => void} onConverged called the moment convergence is seen, before hashing
 * @returns {Promise<{ at: number, checks: number, firstSvEqual: number, hash: string }>}
 */
function waitConverged(lib, clients, timeoutMs, onConverged) {
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
      onConverged();
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
