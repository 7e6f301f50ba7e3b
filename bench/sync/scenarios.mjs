// Scenario implementations (a)-(f). Each returns a plain JSON-able result object.
import { Generator } from './generator.mjs';
import { nowMs } from './protocol.mjs';
import { RssSampler, cpuMark, cpuPercent, medianRssKb, sleep, systemBusyPercent } from './proc.mjs';
import { removeDataDir, startServer, stopServer } from './servers.mjs';
import { cloneTarget, WORKSPACE } from './provision.mjs';
import { backendPids, createBenchDatabase } from '../pg.mjs';
import { quantile } from './stats.mjs';
import { fmt } from './report.mjs';

/**
 * @typedef {object} Options
 * @property {number} durationMs measured window per scenario (and per ramp step: stepDurationMs)
 * @property {number} warmupMs
 * @property {number} stepDurationMs
 * @property {number[]} ramp total edit rates for (c)
 * @property {number} rampP99Ms
 * @property {number} genProcs
 * @property {number} conns connection / document count for (d) (e) (f)
 * @property {number} perPrincipal clients per source address / bench user (0: one identity)
 * @property {string | undefined} oursEntry
 * @property {boolean} verbose
 * @property {Record<string, string>} [pgSettings] per-database settings of ours-pg's databases
 */

/**
 * @typedef {object} Ctx
 * @property {import('./servers.mjs').ServerKind} kind
 * @property {Options} opts
 * @property {(line: string) => void} log
 * @property {import('./provision.mjs').Accounts | null} [accounts] bench users of our server
 * @property {(() => Promise<void>) | null} [waitQuiet] waits for a quiet machine (--wait-quiet)
 */

/**
 * @typedef {{ id: number, doc: number, url: string, editor: number, localAddress?: string }} PlanClient
 */

/** clients per principal: each group uses its own source address and API token */
let perPrincipal = 100;
/** @type {string[] | null} API tokens (ours, when it requires accounts) */
let tokens = null;

/**
 * Our server limits connections per principal: an anonymous principal is the client IP, a
 * signed-in one the user. 1,000 users would not share one IP or one account, so every
 * `perPrincipal` clients get their own loopback source address (127.0.0.2, 127.0.0.3, ...; all of
 * 127.0.0.0/8 is local on Linux; the server still listens on 127.0.0.1 only) and, for ours, their
 * own bench user's API token.
 * @param {Ctx} ctx
 */
function setIdentities(ctx) {
  perPrincipal = ctx.opts.perPrincipal;
  tokens = ctx.kind !== 'reference' ? (ctx.accounts?.tokens ?? null) : null;
}

/**
 * Where one run of the server keeps its data: for ours a copy of the accounts' template (a
 * DATA_DIR, or a database for ours-pg), without accounts an empty one; the reference has none.
 * @param {Ctx} ctx
 * @returns {Promise<{ dataDir: string | undefined, db: import('../pg.mjs').BenchDatabase | null }>}
 */
async function runTarget(ctx) {
  if (ctx.kind === 'reference') return { dataDir: undefined, db: null };
  const settings = ctx.opts.pgSettings;
  if (ctx.accounts) return cloneTarget(ctx.accounts, settings);
  if (ctx.kind === 'ours-pg')
    return { dataDir: undefined, db: await createBenchDatabase('run', { settings }) };
  return { dataDir: undefined, db: null };
}

/**
 * Starts the run's server on a fresh target (its own PostgreSQL database for ours-pg); the
 * database is dropped again if the server does not start.
 * @param {any} ctx
 */
async function startOnTarget(ctx) {
  const target = await runTarget(ctx);
  try {
    const srv = await startServer(ctx.kind, {
      entry: ctx.opts.oursEntry,
      verbose: ctx.opts.verbose,
      dataDir: target.dataDir,
      databaseUrl: target.db?.url
    });
    return { target, srv };
  } catch (err) {
    await target.db?.drop();
    throw err;
  }
}

/** @param {number} id */
const identity = (id) => (perPrincipal ? Math.floor(id / perPrincipal) : 0);

/** @param {number} id */
function sourceAddress(id) {
  if (!perPrincipal) return undefined;
  const host = 2 + identity(id);
  if (host > 254) throw new Error('too many clients for --per-principal: raise it');
  return `127.0.0.${host}`;
}

/**
 * @param {string} url
 * @param {number} id
 */
function withToken(url, id) {
  if (!tokens) return url;
  const t = tokens[identity(id)];
  if (!t) throw new Error(`no API token for client ${id}: too few bench users provisioned`);
  return `${url}?token=${encodeURIComponent(t)}`;
}

/**
 * Build a client plan: `docs` documents, `perDoc` clients each, the first
 * `editorsPerDoc` of each document are editors.
 * @param {(doc: number) => string} url
 * @param {number} docs
 * @param {number} perDoc
 * @param {number} editorsPerDoc
 */
function plan(url, docs, perDoc, editorsPerDoc) {
  /** @type {PlanClient[]} */
  const clients = [];
  /** @type {number[]} */
  const editorDoc = [];
  for (let d = 0; d < docs; d++) {
    const u = url(d);
    for (let j = 0; j < perDoc; j++) {
      let editor = -1;
      if (j < editorsPerDoc) {
        editor = editorDoc.length;
        editorDoc.push(d);
      }
      const id = clients.length;
      clients.push({ id, doc: d, url: withToken(u, id), editor, localAddress: sourceAddress(id) });
    }
  }
  return { clients, editorDoc };
}

/**
 * Results with missing clients would be meaningless: fail the scenario instead.
 * @param {{ ok: number, failed: number, errors: string[] }} conn
 * @param {number} total
 * @param {number} tolerance fraction of clients allowed to fail
 */
function assertConnected(conn, total, tolerance) {
  if (conn.failed > total * tolerance) {
    throw new Error(
      `${conn.failed} of ${total} clients could not connect and sync: ${conn.errors[0] ?? '?'}`
    );
  }
}

/**
 * Start a server + generator, run `fn`, always clean up.
 * @template T
 * @param {Ctx} ctx
 * @param {(srv: import('./servers.mjs').ServerHandle, gen: Generator, rss: RssSampler) => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withServer(ctx, fn) {
  setIdentities(ctx);
  const { target, srv } = await startOnTarget(ctx);
  srv.pgDatabase = target.db?.name;
  const gen = new Generator(ctx.opts.genProcs);
  const rss = new RssSampler(srv.pid);
  try {
    return await fn(srv, gen, rss);
  } finally {
    await gen.close();
    rss.stop();
    await stopServer(srv);
    removeDataDir(srv);
    await target.db?.drop();
  }
}

/** @param {number} t shared-clock ms */
const sleepUntil = (t) => sleep(Math.max(0, t - nowMs()));

/**
 * One measured editing phase; the parent samples CPU of the server and of the
 * generator workers exactly over the measured window.
 * @param {import('./servers.mjs').ServerHandle} srv
 * @param {Generator} gen
 * @param {RssSampler} rss
 * @param {{ rates: Record<string, number>, warmupMs: number, durationMs: number, targetRate: number }} p
 */
async function measuredPhase(srv, gen, rss, p) {
  const warmupStart = nowMs() + 300; // leave time for the IPC round trip
  const tStart = warmupStart + p.warmupMs;
  const tEnd = tStart + p.durationMs;
  const runP = gen.run({ warmupStart, tStart, tEnd, rates: p.rates });
  runP.catch(() => {}); // awaited below
  // ours-pg: PostgreSQL's backends for this database are sampled like the server, so that they
  // do not count as other processes. Listed halfway into the warm-up: the server's pool closes
  // idle connections, and reopens them once the edits come in.
  await sleepUntil(warmupStart + Math.min(500, p.warmupMs / 2));
  const pgPids = srv.pgDatabase ? await backendPids(srv.pgDatabase).catch(() => []) : [];
  await sleepUntil(tStart);
  rss.resetPeak();
  const pids = [srv.pid, ...gen.pids, ...pgPids];
  const m0 = cpuMark(pids);
  await sleepUntil(tEnd);
  const m1 = cpuMark(pids);
  const rssEndKb = rss.sample() ?? rss.lastKb;
  const rssPeakKb = rss.peakKb;
  const r = await runP;
  const cpu = cpuPercent(m0, m1);
  const windowS = r.windowMs / 1000;
  const genCpuPerProc = cpu.slice(1, 1 + gen.pids.length);
  const genCpu = genCpuPerProc.reduce((a, b) => a + b, 0);
  // a backend the pool closed during the window (NaN) counts as 0
  const pgCpu = srv.pgDatabase
    ? cpu.slice(1 + gen.pids.length).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0)
    : null;
  const machineBusy = systemBusyPercent(m0, m1);
  return {
    latency: r.latency,
    deliveriesPerSec: r.deliveredMeasured / windowS,
    expectedDeliveries: r.expectedMeasured,
    delivered: r.deliveredMeasured,
    deliveryRatio: r.expectedMeasured ? r.deliveredMeasured / r.expectedMeasured : NaN,
    editRate: r.sentMeasured / windowS,
    targetEditRate: p.targetRate,
    serverCpu: /** @type {number} */ (cpu[0]),
    genCpu,
    genCpuPerProc,
    pgCpu,
    pgBackends: pgPids.length,
    machineBusyCpu: machineBusy,
    otherCpu: Math.max(0, machineBusy - /** @type {number} */ (cpu[0]) - genCpu - (pgCpu ?? 0)),
    serverRssPeakKb: rssPeakKb,
    serverRssEndKb: rssEndKb,
    genLoopDelayP99Ms: r.loopP99,
    genLoopDelayMaxMs: r.loopMax,
    duplicates: r.dups,
    undelivered: r.expectedMeasured - r.deliveredMeasured,
    unresolved: r.pendingUnresolved,
    exhaustedEditors: r.exhausted,
    catchupResets: r.catchupResets,
    maxBufferedBytes: r.maxBuffered,
    connectionsClosed: r.closes,
    closeCodes: r.closeCodes,
    drainMs: r.drainMs
  };
}

/**
 * Editors per phase need this many pre-generated updates.
 * @param {number[]} ratesPerEditor
 * @param {number} phaseMs warmup + measured
 */
const seqBudget = (ratesPerEditor, phaseMs) =>
  Math.ceil(ratesPerEditor.reduce((a, r) => a + r * (phaseMs / 1000) * 1.4 + 10, 0)) + 10;

/**
 * Generic latency scenario: `docs` × `perDoc` clients, `editorsPerDoc` editing at `hz`.
 * @param {Ctx} ctx
 * @param {{ docs: number, perDoc: number, editorsPerDoc: number, hz: number, docName: (d: number) => string }} s
 */
async function latencyScenario(ctx, s) {
  const { opts } = ctx;
  return withServer(ctx, async (srv, gen, rss) => {
    const pl = plan((d) => srv.url(s.docName(d)), s.docs, s.perDoc, s.editorsPerDoc);
    const maxSeq = seqBudget([s.hz], opts.warmupMs + opts.durationMs);
    const setup = await gen.setup({ ...pl, maxSeq });
    const rssIdleKb = rss.sample();
    const conn = await gen.connect({ concurrency: 100, mode: 'step1' });
    assertConnected(conn, pl.clients.length, 0);
    /** @type {Record<string, number>} */
    const rates = {};
    pl.editorDoc.forEach((_, e) => (rates[e] = s.hz));
    const target = pl.editorDoc.length * s.hz;
    const m = await measuredPhase(srv, gen, rss, {
      rates,
      warmupMs: opts.warmupMs,
      durationMs: opts.durationMs,
      targetRate: target
    });
    return {
      clients: pl.clients.length,
      docs: s.docs,
      editors: pl.editorDoc.length,
      connectMs: conn.ms,
      connectFailed: conn.failed,
      pregenMs: setup.pregenMs,
      serverStartMs: srv.startMs,
      serverRssBeforeConnectKb: rssIdleKb,
      ...m
    };
  });
}

/** (a) 1 document × 200 clients, 20 editing at 2 Hz. @param {Ctx} ctx */
export const scenarioA = (ctx) =>
  latencyScenario(ctx, {
    docs: 1,
    perDoc: 200,
    editorsPerDoc: 20,
    hz: 2,
    docName: () => `${WORKSPACE}.board`
  });

/** (b) 50 documents × 4 clients, all editing at 1 Hz. @param {Ctx} ctx */
export const scenarioB = (ctx) =>
  latencyScenario(ctx, {
    docs: 50,
    perDoc: 4,
    editorsPerDoc: 4,
    hz: 1,
    docName: (d) => `${WORKSPACE}.runbook.d${d}`
  });

/**
 * (c) ramp: 1 document × 200 clients, 20 editors; total edit rate increases
 * step by step until p99 > threshold or deliveries fall behind.
 * @param {Ctx} ctx
 */
export async function scenarioC(ctx) {
  const { opts } = ctx;
  const editors = 20;
  const stepWarmupMs = 1000;
  return withServer(ctx, async (srv, gen, rss) => {
    const pl = plan(() => srv.url(`${WORKSPACE}.board`), 1, 200, editors);
    // x2: a step may be repeated once when the machine was busy
    const maxSeq = seqBudget(
      opts.ramp.flatMap((r) => [r / editors, r / editors]),
      stepWarmupMs + opts.stepDurationMs
    );
    await gen.setup({ ...pl, maxSeq });
    const conn = await gen.connect({ concurrency: 100, mode: 'step1' });
    assertConnected(conn, pl.clients.length, 0);
    /** @type {any[]} */
    const steps = [];
    let maxPassRate = 0;
    /** @type {any} */
    let firstFail = null;
    let retriedStep = -1;
    for (let si = 0; si < opts.ramp.length; si++) {
      const total = /** @type {number} */ (opts.ramp[si]);
      /** @type {Record<string, number>} */
      const rates = {};
      for (let e = 0; e < editors; e++) rates[e] = total / editors;
      if (ctx.waitQuiet) await ctx.waitQuiet();
      const m = await measuredPhase(srv, gen, rss, {
        rates,
        warmupMs: stepWarmupMs,
        durationMs: opts.stepDurationMs,
        targetRate: total
      });
      /** @type {string[]} */
      const reasons = [];
      if (!(m.latency.p99 <= opts.rampP99Ms)) reasons.push(`p99 ${m.latency.p99.toFixed(1)} ms`);
      if (!(m.deliveryRatio >= 0.99))
        reasons.push(`behind: ${(m.deliveryRatio * 100).toFixed(1)}% delivered`);
      if (m.editRate < 0.95 * total) reasons.push(`only ${m.editRate.toFixed(0)} edits/s sent`);
      if (m.exhaustedEditors) reasons.push('generator ran out of pre-generated updates');
      if (m.connectionsClosed)
        reasons.push(`${m.connectionsClosed} connections closed by the server`);
      const genSaturated = m.genCpuPerProc.some((c) => c > 90);
      const disturbed = m.otherCpu > 20;
      const step = {
        targetRate: total,
        pass: reasons.length === 0,
        reasons,
        genSaturated,
        disturbed,
        ...m
      };
      steps.push(step);
      ctx.log(
        `    step ${String(total).padStart(5)} edits/s: p50 ${fmt(m.latency.p50)} p99 ${fmt(m.latency.p99)} ms, ` +
          `${Math.round(m.deliveriesPerSec)} deliv/s (${(m.deliveryRatio * 100).toFixed(1)}%), ` +
          `srv CPU ${m.serverCpu.toFixed(0)}%` +
          (m.pgCpu != null ? ` + pg ${m.pgCpu.toFixed(0)}%` : '') +
          `, gen CPU ${m.genCpu.toFixed(0)}%, other ${m.otherCpu.toFixed(0)}%` +
          (step.pass ? '  ok' : `  FAIL (${reasons.join(', ')})`) +
          (genSaturated ? '  [generator saturated]' : '') +
          (disturbed ? '  [machine busy with other processes]' : '')
      );
      if (!step.pass && disturbed && retriedStep !== si) {
        // other processes were eating the CPU: repeat this step once
        retriedStep = si;
        si--;
        ctx.log('    (repeating the step: the machine was busy)');
        await sleep(1000);
        continue;
      }
      if (!step.pass) {
        firstFail = { rate: total, reasons, genSaturated, disturbed };
        break;
      }
      maxPassRate = total;
    }
    return {
      clients: pl.clients.length,
      editors,
      p99ThresholdMs: opts.rampP99Ms,
      maxPassRate,
      firstFail,
      limitedByGenerator: !!firstFail?.genSaturated,
      steps
    };
  });
}

/**
 * Connect `n` clients (spread over `docs` documents) and return the server RSS
 * delta (median of samples after settling).
 * @param {Ctx} ctx
 * @param {{ docs: number, n: number, mode: 'step1' | 'update', docName: (d: number) => string, settleMs?: number }} s
 */
async function memoryScenario(ctx, s) {
  const settleMs = s.settleMs ?? 2000;
  return withServer(ctx, async (srv, gen, rss) => {
    const perDoc = Math.ceil(s.n / s.docs);
    const pl = plan((d) => srv.url(s.docName(d)), s.docs, perDoc, s.mode === 'update' ? 1 : 0);
    pl.clients.length = Math.min(pl.clients.length, s.n);
    await gen.setup({ ...pl, maxSeq: 1 });
    await sleep(settleMs);
    const beforeKb = await medianRssKb(srv.pid, 5, 200);
    const m0 = cpuMark([srv.pid, ...gen.pids]);
    const conn = await gen.connect({ concurrency: 100, mode: s.mode, timeoutMs: 20000 });
    const m1 = cpuMark([srv.pid, ...gen.pids]);
    assertConnected(conn, pl.clients.length, 0.01);
    if (conn.failed) ctx.log(`  ! ${conn.failed} clients failed to connect: ${conn.errors[0]}`);
    if (conn.unconfirmed) ctx.log(`  ! ${conn.unconfirmed} updates not confirmed in sync step 2`);
    await sleep(settleMs);
    const afterKb = await medianRssKb(srv.pid, 5, 200);
    const connected = conn.ok;
    const cpu = cpuPercent(m0, m1);
    return {
      connections: connected,
      docs: s.docs,
      connectFailed: conn.failed,
      unconfirmed: conn.unconfirmed,
      connectMs: conn.ms,
      connectServerCpu: cpu[0],
      rssBeforeKb: beforeKb,
      rssAfterKb: afterKb,
      rssPeakKb: rss.peakKb,
      deltaKb: afterKb - beforeKb,
      perConnKb: connected ? (afterKb - beforeKb) / connected : NaN
    };
  });
}

/** (d) memory per idle connection. @param {Ctx} ctx */
export async function scenarioD(ctx) {
  const r = await memoryScenario(ctx, {
    docs: 10,
    n: ctx.opts.conns,
    mode: 'step1',
    docName: (d) => `${WORKSPACE}.runbook.idle${d}`
  });
  return { ...r, perIdleConnKb: r.perConnKb };
}

/**
 * (e) memory of loaded small documents: one connection per document, one small update each.
 * @param {Ctx} ctx
 * @param {number | undefined} idleConnKb from (d) of the same server
 */
export async function scenarioE(ctx, idleConnKb) {
  let idle = idleConnKb;
  let idleSource = 'scenario d';
  if (idle === undefined || !Number.isFinite(idle)) {
    ctx.log('    (d) not run for this server: measuring the idle-connection cost first');
    idle = (await scenarioD(ctx)).perIdleConnKb;
    idleSource = 'measured for e';
  }
  const n = ctx.opts.conns;
  const r = await memoryScenario(ctx, {
    docs: n,
    n,
    mode: 'update',
    docName: (d) => `${WORKSPACE}.runbook.doc${d}`
  });
  return {
    ...r,
    idleConnKb: idle,
    idleSource,
    perDocInclConnKb: r.perConnKb,
    perDocKb: r.perConnKb - /** @type {number} */ (idle)
  };
}

/**
 * (f) restart + reconnect storm (needs persistence): `conns` clients over
 * conns/10 documents; SIGTERM the server, restart it on the same DATA_DIR and
 * port; clients reconnect with 0-1000 ms jitter and wait for sync step 2.
 * @param {Ctx} ctx
 */
export async function scenarioF(ctx) {
  setIdentities(ctx);
  const n = ctx.opts.conns;
  const docs = Math.max(1, Math.round(n / 10));
  const started = await startOnTarget(ctx);
  const { target } = started;
  let { srv } = started;
  const dataDir = srv.dataDir;
  const gen = new Generator(ctx.opts.genProcs);
  try {
    const pl = plan((d) => srv.url(`${WORKSPACE}.runbook.r${d}`), docs, Math.ceil(n / docs), 1);
    pl.clients.length = Math.min(pl.clients.length, n);
    await gen.setup({ ...pl, maxSeq: 1 });
    // every doc gets one small update (confirmed by the sync step 2 reply)
    const conn = await gen.connect({ concurrency: 100, mode: 'update', timeoutMs: 20000 });
    assertConnected(conn, pl.clients.length, 0.01);
    if (conn.failed) ctx.log(`  ! ${conn.failed} clients failed to connect: ${conn.errors[0]}`);
    await sleep(2000); // let the server persist
    await gen.armReconnect({ jitterMs: 1000 });
    const resyncP = gen.awaitResync({ timeoutMs: 45000 });
    resyncP.catch(() => {});
    const tKill = nowMs();
    const stop = await stopServer(srv);
    const port = srv.port;
    srv = await startServer(ctx.kind, {
      entry: ctx.opts.oursEntry,
      verbose: ctx.opts.verbose,
      dataDir,
      databaseUrl: target.db?.url,
      port
    });
    const readyAt = srv.readyAt;
    const m0 = cpuMark([srv.pid, ...gen.pids]);
    const rss = new RssSampler(srv.pid, 100);
    const clients = await resyncP;
    const m1 = cpuMark([srv.pid, ...gen.pids]);
    const rssR = rss.stop();
    const ok = clients.filter((c) => c.resynced);
    const lastStep2 = Math.max(...ok.map((c) => c.step2At));
    const perClient = ok.map((c) => c.step2At - c.attemptAt);
    const sinceReady = ok.map((c) => Math.max(0, c.step2At - readyAt));
    const attempts = clients.map((c) => c.attempts);
    const withExpect = ok.filter((c) => c.hadContent !== null);
    const cpu = cpuPercent(m0, m1);
    return {
      clients: clients.length,
      docs,
      initialConnectFailed: conn.failed,
      unconfirmedUpdates: conn.unconfirmed,
      stopMs: stop.ms,
      stopSignal: stop.signal,
      stopCode: stop.code,
      killedAfterGrace: stop.killed,
      restartStartMs: srv.startMs,
      downtimeMs: readyAt - tKill,
      resynced: ok.length,
      gaveUp: clients.length - ok.length,
      allResyncedMs: ok.length ? lastStep2 - readyAt : NaN,
      perClientResyncP50Ms: quantile(perClient, 0.5),
      perClientResyncP99Ms: quantile(perClient, 0.99),
      perClientResyncMaxMs: perClient.length ? Math.max(...perClient) : NaN,
      sinceReadyP50Ms: quantile(sinceReady, 0.5),
      sinceReadyP99Ms: quantile(sinceReady, 0.99),
      attemptsMean: attempts.reduce((a, b) => a + b, 0) / Math.max(1, attempts.length),
      attemptsMax: Math.max(0, ...attempts),
      contentRestored: withExpect.filter((c) => c.hadContent).length,
      contentChecked: withExpect.length,
      serverCpu: cpu[0],
      genCpu: cpu.slice(1).reduce((a, b) => a + b, 0),
      serverRssPeakKb: rssR.peakKb,
      serverRssEndKb: rssR.endKb
    };
  } finally {
    await gen.close();
    await stopServer(srv);
    removeDataDir(srv);
    await target.db?.drop();
  }
}
