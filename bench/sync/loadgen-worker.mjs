// Load-generator worker process (forked by bench/sync/generator.mjs).
//
// Holds raw `ws` clients. Editors send pre-generated y-websocket update
// messages on their own jittered timers; every client scans received raw bytes
// for `~e<editor>s<seq>~` markers and records latency = receive time - send
// time. Nothing received is ever decoded into a Y.Doc.
//
// Talks to the parent over IPC: { id, cmd, args } -> { id, ok, result | error }.
// With 2 worker processes, send times of local editors are relayed to the
// other worker through the parent ({ type: 'st' }); the clock is the shared
// CLOCK_MONOTONIC so times are comparable across processes.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Histogram } from './stats.mjs';
import {
  MESSAGE_SYNC,
  STEP1_EMPTY,
  SYNC_STEP2,
  SYNC_UPDATE,
  marker,
  nowMs,
  pregenerateEditor,
  scanMarkers
} from './protocol.mjs';

/** @type {import('ws').ClientOptions} */
const WS_OPTS = { perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: 15000 };

/**
 * @typedef {object} PlanClient
 * @property {number} id global client index
 * @property {number} doc document index
 * @property {string} url
 * @property {number} editor editor index or -1
 * @property {number} worker worker index owning this client
 * @property {string} [localAddress] loopback source address
 * @property {number} [node] index of the node it connects to (nodes part: same/cross-node split)
 * @property {string[]} [urls] every node's URL for it (urls[k]: node k); a reconnect tries the
 *   others in turn (nodes part, failover)
 * @property {boolean} [markerWriter] writes its doc's marker after a kill (nodes part, failover)
 */

/**
 * @typedef {object} Client
 * @property {number} id
 * @property {number} doc
 * @property {string} url
 * @property {import('ws').ClientOptions} wsOpts
 * @property {number} editor
 * @property {WebSocket | null} ws
 * @property {((buf: Buffer) => void) | null} onStep2
 * @property {number} rate edits/s during the current run
 * @property {number} seq next sequence number to send
 * @property {number} nextAt
 * @property {NodeJS.Timeout | null} timer
 * @property {Buffer | null} expect marker expected in the resync step 2 (scenario f)
 * @property {number} closedAt
 * @property {number} attemptAt
 * @property {number} attempts
 * @property {number} step2At
 * @property {boolean} resynced
 * @property {boolean} gaveUp
 * @property {boolean | null} hadContent
 * @property {number} node node index, -1 when not split by node
 * @property {string[] | null} urls failover: the node URLs, tried in turn after its own node
 * @property {boolean} markerWriter
 * @property {boolean} markerPending failover: send the marker once resynced
 * @property {Buffer | null} waitFor failover: the marker written after the kill
 * @property {number} sawAt failover: shared-clock ms it first received `waitFor`
 * @property {number} wroteAt failover: shared-clock ms it wrote its marker (a marker writer)
 */

let workerIndex = 0;
let workerCount = 1;
let maxSeq = 1;
/** @type {Client[]} */
let clients = [];
/** @type {Int32Array} */
let editorDoc = new Int32Array(0);
/** local receivers per edit of each editor (excluding the editor itself) */
/** @type {Uint16Array} */
let localExpected = new Uint16Array(0);
/** @type {Map<number, Buffer[]>} */
const editorMsgs = new Map();
/** @type {Float64Array} */
let sendTimes = new Float64Array(0);
/** @type {Uint16Array} */
let delivered = new Uint16Array(0);
/** node index of each editor (-1: latency not split into same-node / cross-node) */
/** @type {Int16Array} */
let editorNode = new Int16Array(0);

// --- per-run state ---
let tracking = false;
let tStart = Infinity;
let tEnd = -Infinity;
let hist = new Histogram();
/** receivers on the editor's node / on another node (when clients carry a node) */
let histSame = new Histogram();
let histCross = new Histogram();
let sentTotal = 0;
let sentMeasured = 0;
let expectedMeasured = 0;
let deliveredMeasured = 0;
let dups = 0;
let exhausted = 0;
let catchupResets = 0;
let maxBuffered = 0;
/** receive time and receiver node, in pairs, per send-time key not relayed yet */
/** @type {Map<number, number[]>} */
let pending = new Map();
/** @type {number[]} */
let relayKeys = [];
/** @type {number[]} */
let relayTimes = [];

/**
 * @param {WebSocket.RawData} data
 * @returns {Buffer}
 */
const toBuf = (data) =>
  Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(/** @type {ArrayBuffer} */ (data));

/**
 * @param {number} key
 * @param {number} e
 * @param {number} tRecv
 * @param {number} rnode the receiver's node (-1: not split)
 */
function deliver(key, e, tRecv, rnode) {
  const st = /** @type {number} */ (sendTimes[key]);
  if (st === 0) {
    // remote editor whose send time has not been relayed yet
    let p = pending.get(key);
    if (!p) pending.set(key, (p = []));
    p.push(tRecv, rnode);
    return;
  }
  const n = /** @type {number} */ (delivered[key]) + 1;
  delivered[key] = n;
  if (n > /** @type {number} */ (localExpected[e])) {
    dups++;
    return;
  }
  if (st >= tStart && st < tEnd) {
    deliveredMeasured++;
    hist.record(tRecv - st);
    const enode = /** @type {number} */ (editorNode[e]);
    if (rnode >= 0 && enode >= 0) (rnode === enode ? histSame : histCross).record(tRecv - st);
  }
}

/**
 * @param {Client} c
 * @param {WebSocket.RawData} data
 */
function onMessage(c, data) {
  const tRecv = nowMs();
  const buf = toBuf(data);
  if (buf.length < 2 || buf[0] !== MESSAGE_SYNC) return;
  const sub = buf[1];
  if (c.waitFor && !c.sawAt && buf.includes(c.waitFor)) {
    c.sawAt = tRecv;
    checkFailover();
  }
  if (sub === SYNC_UPDATE) {
    if (!tracking) return;
    const self = c.editor;
    const rnode = c.node;
    scanMarkers(buf, 2, (e, s) => {
      if (e === self || e >= editorDoc.length || s >= maxSeq) return; // own echo / foreign
      deliver(e * maxSeq + s, e, tRecv, rnode);
    });
  } else if (sub === SYNC_STEP2 && c.onStep2) {
    c.onStep2(buf);
  }
}

/**
 * @param {number} key
 * @param {number} t
 */
function setSendTime(key, t) {
  sendTimes[key] = t;
  const e = Math.floor(key / maxSeq);
  if (t >= tStart && t < tEnd) expectedMeasured += /** @type {number} */ (localExpected[e]);
  const p = pending.get(key);
  if (p) {
    pending.delete(key);
    for (let i = 0; i < p.length; i += 2)
      deliver(key, e, /** @type {number} */ (p[i]), /** @type {number} */ (p[i + 1]));
  }
}

// ---------------------------------------------------------------- commands

/**
 * @param {{ workerIndex: number, workerCount: number, maxSeq: number, editorDoc: number[], clients: PlanClient[] }} plan
 */
function setup(plan) {
  const t0 = performance.now();
  workerIndex = plan.workerIndex;
  workerCount = plan.workerCount;
  maxSeq = plan.maxSeq;
  editorDoc = Int32Array.from(plan.editorDoc);
  const nEditors = editorDoc.length;
  editorNode = new Int16Array(nEditors).fill(-1);
  for (const pc of plan.clients) if (pc.editor >= 0) editorNode[pc.editor] = pc.node ?? -1;
  /** @type {Map<number, number>} */
  const localPerDoc = new Map();
  /** @type {Map<number, number>} first editor of each doc (scenario f content check) */
  const docWriter = new Map();
  for (const pc of plan.clients) {
    if (pc.editor >= 0 && !docWriter.has(pc.doc)) docWriter.set(pc.doc, pc.editor);
    if (pc.worker !== workerIndex) continue;
    localPerDoc.set(pc.doc, (localPerDoc.get(pc.doc) ?? 0) + 1);
  }
  localExpected = new Uint16Array(nEditors);
  clients = [];
  for (const pc of plan.clients) {
    if (pc.editor >= 0) {
      const lp = localPerDoc.get(pc.doc) ?? 0;
      localExpected[pc.editor] = pc.worker === workerIndex ? lp - 1 : lp;
    }
    if (pc.worker !== workerIndex) continue;
    const w = docWriter.get(pc.doc);
    clients.push({
      id: pc.id,
      doc: pc.doc,
      url: pc.url,
      wsOpts: pc.localAddress ? { ...WS_OPTS, localAddress: pc.localAddress } : WS_OPTS,
      editor: pc.editor,
      ws: null,
      onStep2: null,
      rate: 0,
      seq: 0,
      nextAt: 0,
      timer: null,
      expect: w === undefined ? null : Buffer.from(marker(w, 0), 'latin1'),
      closedAt: 0,
      attemptAt: 0,
      attempts: 0,
      step2At: 0,
      resynced: false,
      gaveUp: false,
      hadContent: null,
      node: pc.node ?? -1,
      urls: pc.urls ?? null,
      markerWriter: !!pc.markerWriter,
      markerPending: false,
      waitFor: null,
      sawAt: 0,
      wroteAt: 0
    });
    if (pc.editor >= 0) editorMsgs.set(pc.editor, pregenerateEditor(pc.editor, maxSeq));
  }
  sendTimes = new Float64Array(nEditors * maxSeq);
  delivered = new Uint16Array(nEditors * maxSeq);
  return { clients: clients.length, editors: editorMsgs.size, pregenMs: performance.now() - t0 };
}

/**
 * Connect one client; on open send (optionally an update and) sync step 1 and
 * resolve on the first sync step 2 received.
 * @param {Client} c
 * @param {'step1' | 'update'} mode
 * @param {number} timeoutMs
 * @returns {Promise<boolean>} whether the step 2 contained the own marker (mode 'update')
 */
function connectOne(c, mode, timeoutMs) {
  return new Promise((res, rej) => {
    const ws = new WebSocket(c.url, c.wsOpts);
    c.ws = ws;
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      c.onStep2 = null;
      ws.terminate();
      rej(new Error('timeout waiting for sync step 2'));
    }, timeoutMs);
    const sendsUpdate = mode === 'update' && c.editor >= 0;
    const own = sendsUpdate ? Buffer.from(marker(c.editor, 0), 'latin1') : null;
    c.onStep2 = (buf) => {
      if (done) return;
      done = true;
      c.onStep2 = null;
      clearTimeout(timer);
      res(own ? buf.includes(own) : true);
    };
    ws.on('message', (data) => onMessage(c, data));
    ws.on('open', () => {
      if (sendsUpdate) {
        const m = editorMsgs.get(c.editor);
        if (m?.[0]) ws.send(m[0]);
        c.seq = 1;
      }
      ws.send(STEP1_EMPTY);
    });
    ws.on('error', (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      rej(err);
    });
    ws.on('close', (code, reason) => {
      if (!done) {
        done = true;
        c.onStep2 = null;
        clearTimeout(timer);
        rej(new Error(`closed by the server before sync step 2: ${code} ${String(reason)}`));
      }
      onClose(c, ws, code);
    });
  });
}

/**
 * @param {{ concurrency: number, mode: 'step1' | 'update', timeoutMs: number }} args
 */
async function connect(args) {
  const t0 = performance.now();
  let next = 0;
  let ok = 0;
  let failed = 0;
  let unconfirmed = 0;
  /** @type {string[]} */
  const errors = [];
  const loop = async () => {
    while (next < clients.length) {
      if (ok === 0 && failed >= 20) {
        // the server refuses everyone: do not wait for every timeout
        failed += clients.length - next;
        next = clients.length;
        break;
      }
      const c = /** @type {Client} */ (clients[next++]);
      try {
        const confirmed = await connectOne(c, args.mode, args.timeoutMs);
        ok++;
        if (!confirmed) unconfirmed++;
      } catch (err) {
        failed++;
        if (errors.length < 5) errors.push(String(/** @type {Error} */ (err)?.message ?? err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, args.concurrency) }, loop));
  return { ok, failed, unconfirmed, errors, ms: performance.now() - t0, closes: unexpectedCloses };
}

/**
 * @param {{ warmupStart: number, tStart: number, tEnd: number, rates: Record<string, number>, jitter: number, drainMs: number, minDrainMs: number }} args
 */
async function run(args) {
  hist = new Histogram();
  histSame = new Histogram();
  histCross = new Histogram();
  sentTotal = sentMeasured = expectedMeasured = deliveredMeasured = dups = 0;
  exhausted = catchupResets = maxBuffered = 0;
  pending = new Map();
  tStart = args.tStart;
  tEnd = args.tEnd;
  const closesBefore = unexpectedCloses;
  const LOOP_RES_MS = 10;
  const loop = monitorEventLoopDelay({ resolution: LOOP_RES_MS });
  let relayTimer = null;
  if (workerCount > 1) {
    relayTimer = setInterval(flushRelay, 5);
  }

  /** @param {Client} c */
  const tick = (c) => {
    c.timer = null;
    const now = nowMs();
    if (now >= tEnd) return;
    const msgs = /** @type {Buffer[]} */ (editorMsgs.get(c.editor));
    if (c.seq >= maxSeq) {
      exhausted++;
      return;
    }
    const e = c.editor;
    const key = e * maxSeq + c.seq;
    sendTimes[key] = now;
    sentTotal++;
    if (now >= tStart) {
      sentMeasured++;
      expectedMeasured += /** @type {number} */ (localExpected[e]);
    }
    if (workerCount > 1) {
      relayKeys.push(key);
      relayTimes.push(now);
    }
    const ws = /** @type {WebSocket} */ (c.ws);
    ws.send(/** @type {Buffer} */ (msgs[c.seq]));
    c.seq++;
    if (ws.bufferedAmount > maxBuffered) maxBuffered = ws.bufferedAmount;
    const interval = 1000 / c.rate;
    c.nextAt += interval * (1 + args.jitter * (2 * Math.random() - 1));
    const after = nowMs();
    if (c.nextAt < after - 100) {
      // bounded catch-up: never burst more than ~100 ms worth of edits
      c.nextAt = after;
      catchupResets++;
    }
    c.timer = setTimeout(tick, Math.max(0, c.nextAt - after), c);
  };

  const startIn = Math.max(0, args.warmupStart - nowMs());
  await new Promise((r) => setTimeout(r, startIn));
  tracking = true;
  loop.enable();
  for (const c of clients) {
    const rate = c.editor >= 0 ? (args.rates[String(c.editor)] ?? 0) : 0;
    c.rate = rate;
    if (rate <= 0 || !c.ws || c.ws.readyState !== WebSocket.OPEN) continue;
    const interval = 1000 / rate;
    c.nextAt = args.warmupStart + Math.random() * interval; // random phase: not lockstep
    c.timer = setTimeout(tick, Math.max(0, c.nextAt - nowMs()), c);
  }
  // reset the loop-delay monitor when the measured window starts
  await new Promise((r) => setTimeout(r, Math.max(0, tStart - nowMs())));
  loop.reset();
  await new Promise((r) => setTimeout(r, Math.max(0, tEnd - nowMs())));
  loop.disable();
  const loopStats = {
    // the histogram includes the sampling interval itself: report the excess
    p50: Math.max(0, loop.percentile(50) / 1e6 - LOOP_RES_MS),
    p99: Math.max(0, loop.percentile(99) / 1e6 - LOOP_RES_MS),
    max: Math.max(0, loop.max / 1e6 - LOOP_RES_MS)
  };
  for (const c of clients) {
    if (c.timer) clearTimeout(c.timer);
    c.timer = null;
  }
  if (workerCount > 1) flushRelay();
  // drain: wait until every measured edit reached every local receiver
  const drainStart = nowMs();
  for (;;) {
    const t = nowMs();
    const waited = t - drainStart;
    const complete = deliveredMeasured >= expectedMeasured && pending.size === 0;
    if ((complete && waited >= args.minDrainMs) || waited >= args.drainMs) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const drainMs = nowMs() - drainStart;
  tracking = false;
  if (relayTimer) clearInterval(relayTimer);
  let pendingUnresolved = 0;
  for (const p of pending.values()) pendingUnresolved += p.length / 2;
  return {
    windowMs: tEnd - tStart,
    sentTotal,
    sentMeasured,
    expectedMeasured,
    deliveredMeasured,
    dups,
    pendingUnresolved,
    exhausted,
    catchupResets,
    maxBuffered,
    closes: unexpectedCloses - closesBefore,
    closeCodes: { ...closeCodes },
    drainMs,
    loop: loopStats,
    hist: hist.toJSON(),
    histSame: histSame.toJSON(),
    histCross: histCross.toJSON()
  };
}

function flushRelay() {
  if (!relayKeys.length) return;
  /** @type {NodeJS.Process} */ (process).send?.({
    type: 'st',
    keys: relayKeys,
    times: relayTimes
  });
  relayKeys = [];
  relayTimes = [];
}

// ------------------------------------------------------ reconnect (scenario f)

let armed = false;
let jitterMs = 1000;
let reconnectDeadline = Infinity;
/** @type {(() => void) | null} */
let resyncWaiter = null;

let closingAll = false;
let unexpectedCloses = 0;
/** @type {Record<string, number>} */
const closeCodes = {};

/**
 * @param {Client} c
 * @param {WebSocket} ws
 * @param {number} code
 */
function onClose(c, ws, code) {
  if (!closingAll && c.ws === ws) {
    unexpectedCloses++;
    closeCodes[code] = (closeCodes[code] ?? 0) + 1;
  }
  if (!armed || c.ws !== ws) return;
  if (!c.closedAt) c.closedAt = nowMs();
  if (!c.resynced) scheduleReconnect(c);
}

/** @param {Client} c */
function scheduleReconnect(c) {
  if (c.resynced || c.gaveUp) return;
  if (nowMs() > reconnectDeadline) {
    c.gaveUp = true;
    checkResync();
    checkFailover();
    return;
  }
  setTimeout(attempt, Math.random() * jitterMs, c);
}

/** @param {Client} c */
function attempt(c) {
  c.attempts++;
  c.attemptAt = nowMs();
  // failover: the nodes in turn, starting after its own one, at an offset that spreads the
  // clients of a killed node over all the others
  let url = c.url;
  if (c.urls) {
    const n = c.urls.length;
    const spread = n > 1 ? 1 + (c.id % (n - 1)) : 0;
    url = /** @type {string} */ (c.urls[(c.node + spread + c.attempts - 1) % n]);
  }
  const ws = new WebSocket(url, c.wsOpts);
  c.ws = ws;
  c.onStep2 = (buf) => {
    if (c.resynced) return;
    c.step2At = nowMs();
    c.resynced = true;
    c.onStep2 = null;
    c.hadContent = c.expect ? buf.includes(c.expect) : null;
    if (c.markerPending) {
      c.markerPending = false;
      sendNext(c);
    }
    checkResync();
  };
  ws.on('message', (data) => onMessage(c, data));
  ws.on('open', () => ws.send(STEP1_EMPTY));
  ws.on('error', () => {});
  ws.on('close', (code) => onClose(c, ws, code));
}

function checkResync() {
  if (!resyncWaiter) return;
  if (clients.every((c) => c.resynced || c.gaveUp)) {
    const w = resyncWaiter;
    resyncWaiter = null;
    w();
  }
}

/** @param {{ jitterMs: number }} args */
function armReconnect(args) {
  armed = true;
  jitterMs = args.jitterMs;
  for (const c of clients) {
    c.closedAt = 0;
    c.attempts = 0;
    c.step2At = 0;
    c.resynced = false;
    c.gaveUp = false;
    c.hadContent = null;
  }
  return { armed: clients.length };
}

/** @param {{ timeoutMs: number }} args */
async function awaitResync(args) {
  reconnectDeadline = nowMs() + args.timeoutMs;
  await new Promise((res) => {
    resyncWaiter = () => res(undefined);
    checkResync();
    setTimeout(() => {
      resyncWaiter = null;
      res(undefined);
    }, args.timeoutMs + 500);
  });
  armed = false;
  return {
    clients: clients.map((c) => ({
      closedAt: c.closedAt,
      attemptAt: c.attemptAt,
      attempts: c.attempts,
      step2At: c.step2At,
      resynced: c.resynced,
      hadContent: c.hadContent
    }))
  };
}

// ------------------------------------------------------- failover (nodes part)

/** @type {(() => void) | null} */
let failoverWaiter = null;

/**
 * Sends the editor's next pre-generated update (its marker `~e<editor>s<seq>~`).
 * @param {Client} c
 */
function sendNext(c) {
  const m = editorMsgs.get(c.editor)?.[c.seq];
  if (!m || !c.ws || c.ws.readyState !== WebSocket.OPEN) return false;
  c.ws.send(m);
  c.seq++;
  c.wroteAt = nowMs();
  // the server does not echo an update to its sender: the writer holds its marker once sent
  if (c.waitFor && !c.sawAt) {
    c.sawAt = c.wroteAt;
    checkFailover();
  }
  return true;
}

function checkFailover() {
  if (!failoverWaiter) return;
  if (clients.every((c) => !c.waitFor || c.sawAt || c.gaveUp)) {
    const w = failoverWaiter;
    failoverWaiter = null;
    w();
  }
}

/**
 * Arms reconnection (to the next node in turn) and says which marker every client waits for:
 * `markerOf[doc]` is the editor that writes it, as its next update (seq 1 after a connect in
 * mode 'update').
 * @param {{ jitterMs: number, markerOf: Record<string, number> }} args
 */
function armFailover(args) {
  armReconnect(args);
  for (const c of clients) {
    const w = args.markerOf[String(c.doc)];
    c.waitFor = w === undefined ? null : Buffer.from(marker(w, 1), 'latin1');
    c.sawAt = 0;
    c.markerPending = false;
  }
  return { armed: clients.length };
}

/**
 * After the kill: every marker writer still connected to a live node writes its marker now; one
 * of the killed node writes it once it has resynced elsewhere (or to the restarted node).
 * @param {{ killedNode: number }} args
 */
function writeMarkers(args) {
  let now = 0;
  let later = 0;
  for (const c of clients) {
    if (!c.markerWriter) continue;
    if (c.node !== args.killedNode && sendNext(c)) now++;
    else {
      c.markerPending = true;
      later++;
    }
  }
  return { now, later };
}

/** @param {{ timeoutMs: number }} args */
async function awaitFailover(args) {
  reconnectDeadline = nowMs() + args.timeoutMs;
  await new Promise((res) => {
    failoverWaiter = () => res(undefined);
    checkFailover();
    setTimeout(() => {
      failoverWaiter = null;
      res(undefined);
    }, args.timeoutMs + 500);
  });
  armed = false;
  return {
    clients: clients.map((c) => ({
      doc: c.doc,
      node: c.node,
      writer: c.markerWriter,
      wroteAt: c.wroteAt,
      closedAt: c.closedAt,
      attemptAt: c.attemptAt,
      attempts: c.attempts,
      step2At: c.step2At,
      sawAt: c.sawAt
    }))
  };
}

function closeAll() {
  armed = false;
  closingAll = true;
  for (const c of clients) {
    if (c.timer) clearTimeout(c.timer);
    try {
      c.ws?.terminate();
    } catch {
      // ignore
    }
  }
  return { closed: clients.length };
}

/** @type {Record<string, (args: any) => any>} */
const commands = {
  setup,
  connect,
  run,
  armReconnect,
  awaitResync,
  armFailover,
  writeMarkers,
  awaitFailover,
  closeAll
};

process.on('message', async (/** @type {any} */ msg) => {
  if (msg?.type === 'st') {
    const keys = /** @type {number[]} */ (msg.keys);
    const times = /** @type {number[]} */ (msg.times);
    for (let i = 0; i < keys.length; i++) {
      setSendTime(/** @type {number} */ (keys[i]), /** @type {number} */ (times[i]));
    }
    return;
  }
  const fn = commands[msg?.cmd];
  if (!fn) {
    process.send?.({ id: msg?.id, ok: false, error: `unknown command ${msg?.cmd}` });
    return;
  }
  try {
    const result = await fn(msg.args ?? {});
    process.send?.({ id: msg.id, ok: true, result });
  } catch (err) {
    process.send?.({
      id: msg.id,
      ok: false,
      error: String(/** @type {Error} */ (err)?.stack ?? err)
    });
  }
});
process.on('disconnect', () => process.exit(0));
