// Multi-node benchmark (issue 18): one, two and three sync nodes (build/server/sync-server.js)
// on one PostgreSQL database (fresh per cluster, copied from a template the admin CLI filled with
// the bench users) and one Redis (a channel prefix of their own per cluster). The clients are the
// sync part's protocol-level load generator (bench/sync/loadgen-worker.mjs), spread round-robin
// over the nodes. Per cluster:
//   1. latency at a moderate fixed rate, split into receivers on the editor's node and on another;
//   2. a ramp of the aggregate edit rate: the highest step whose p99 (all receivers) ≤ 25 ms;
//   3. failover: 1,000 clients, SIGKILL the last node, its clients reconnect to the other nodes
//      from their list of node URLs (no balancer: each tries the nodes in turn); time from the
//      kill until every client holds a marker written after it. With one node there is nothing to fail over to: the node is restarted on the same
//      port and database instead (the reference the other two are compared with).
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { ADMIN_ENTRY } from '../backends.mjs';
import { readFlags, wholeNumber } from '../flags.mjs';
import {
  backendPids,
  dropAllBenchDatabases,
  pgAdminLabel,
  pgSkipReason,
  pgVersion
} from '../pg.mjs';
import { finishRun, log, noteCollector, outputFlags, startRun } from '../run-frame.mjs';
import { Generator } from '../sync/generator.mjs';
import {
  CLK_TCK,
  cpuMark,
  cpuPercent,
  fdLimit,
  readCpuTicks,
  sleep,
  systemBusyPercent
} from '../sync/proc.mjs';
import { nowMs } from '../sync/protocol.mjs';
import { cloneTarget, provisionAccounts, removeTemplate, WORKSPACE } from '../sync/provision.mjs';
import { fmt, fmtRatio, int, pct, ratio, table } from '../sync/report.mjs';
import {
  OURS_ENTRY,
  makeDataDir,
  removeDataDir,
  startServer,
  stopServer
} from '../sync/servers.mjs';
import { quantile } from '../sync/stats.mjs';
import { waitQuiet } from '../sync/index.mjs';
import { pgRoundTrips, redisRoundTrips } from './probes.mjs';
import { REDIS_URL, redisInfo, uniquePrefix } from './redis.mjs';

const USAGE = `Usage: node bench/run.mjs nodes [flags]

One, two and three sync nodes (build/server/sync-server.js) on one PostgreSQL database (fresh per
cluster, from RUNBOARD_BENCH_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres;
dropped after) and one Redis (RUNBOARD_BENCH_REDIS_URL, default redis://127.0.0.1:6379; a channel
prefix of its own per cluster). Clients: the sync part's protocol-level load generator, spread
round-robin over the nodes. Per cluster: latency at a fixed rate (same node / other node), a ramp
of the edit rate (highest step with p99 ≤ the threshold), and failover of 1,000 clients after a
SIGKILL of one node (one node: a restart instead).

  --nodes-counts=1,2,3        cluster sizes (default 1,2,3; 1 to 3 nodes each)
  --nodes-clients=N           clients on the one document of the latency and ramp phases
                              (default 200, as in the sync part's (c))
  --nodes-editors=N           of them editing (default 20)
  --nodes-rate=N              edits/s of the fixed-rate phase (default 50)
  --nodes-duration=SECONDS    its measured window (default 5, after 1 s of warm-up)
  --nodes-ramp=50,100,...     aggregate edits/s of the ramp steps (default 25,50,100,200,300,400,600,800)
  --nodes-step=SECONDS        measured window per ramp step (default 3, after 1 s of warm-up)
  --nodes-p99=MS              the ramp's p99 threshold (default 25)
  --nodes-failover-clients=N  clients of the failover phase, 10 a document (default 1000)
  --nodes-jitter=MS           reconnect delay of a dropped client, uniform 0..MS (default 1000,
                              as in the sync part's (f))
  --nodes-wait-quiet=SECONDS  before each cluster and ramp step, wait up to SECONDS until other
                              processes use < 30% CPU (default 0: do not wait; shared machines)
  --nodes-verbose             echo the nodes' output
  --out=DIR                   results directory (default bench/results)
  --strict                    exit 1 when a cluster fails to run or a failover leaves a client behind`;

/** Clients per bench user and loopback source address (as the sync part's default). */
const PER_PRINCIPAL = 100;
const STEP_WARMUP_MS = 1000;
const FAILOVER_TIMEOUT_MS = 45_000;
/** All nodes share one key for credentials at rest, as a deployment's nodes must. */
const SECRET_KEY = randomBytes(32).toString('hex');

/** @param {string[]} argv */
export function parseNodesArgs(argv) {
  const a = readFlags(
    argv,
    [
      'nodes-counts',
      'nodes-clients',
      'nodes-editors',
      'nodes-rate',
      'nodes-duration',
      'nodes-ramp',
      'nodes-step',
      'nodes-p99',
      'nodes-failover-clients',
      'nodes-jitter',
      'nodes-verbose',
      'nodes-wait-quiet',
      'out',
      'strict',
      'help'
    ],
    USAGE
  );
  /** @param {string} name @param {string} fallback */
  const list = (name, fallback) =>
    String(typeof a[name] === 'string' ? a[name] : fallback)
      .split(',')
      .map((s) => Number(s.trim()));
  const counts = [...new Set(list('nodes-counts', '1,2,3'))].sort((x, y) => x - y);
  if (!counts.length || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 3))
    throw new Error('--nodes-counts: a list of 1, 2 and 3');
  const ramp = list('nodes-ramp', '25,50,100,200,300,400,600,800');
  if (!ramp.length || ramp.length > 12 || ramp.some((r) => !Number.isFinite(r) || r <= 0))
    throw new Error('--nodes-ramp: 1 to 12 positive rates');
  const clients = wholeNumber(a, 'nodes-clients', 200);
  const editors = wholeNumber(a, 'nodes-editors', 20);
  if (clients < 6 || clients > 1000) throw new Error('--nodes-clients must be 6..1000');
  if (editors < 3 || editors > clients) throw new Error('--nodes-editors must be 3..clients');
  const failoverClients = wholeNumber(a, 'nodes-failover-clients', 1000);
  if (failoverClients < 30 || failoverClients > 5000)
    throw new Error('--nodes-failover-clients must be 30..5000');
  const durationS = wholeNumber(a, 'nodes-duration', 5);
  const stepS = wholeNumber(a, 'nodes-step', 3);
  if (durationS < 1 || durationS > 60 || stepS < 1 || stepS > 30)
    throw new Error('--nodes-duration must be 1..60 and --nodes-step 1..30 seconds');
  return {
    help: !!a.help,
    counts,
    clients,
    editors,
    rate: wholeNumber(a, 'nodes-rate', 50) || 50,
    durationMs: durationS * 1000,
    ramp,
    stepMs: stepS * 1000,
    p99Ms: wholeNumber(a, 'nodes-p99', 25) || 25,
    failoverClients,
    jitterMs: Math.min(10_000, wholeNumber(a, 'nodes-jitter', 1000)),
    verbose: !!a['nodes-verbose'],
    waitQuietMs: Math.min(600, wholeNumber(a, 'nodes-wait-quiet', 0)) * 1000,
    ...outputFlags(a)
  };
}

/** @typedef {ReturnType<typeof parseNodesArgs>} Options */
/** @typedef {import('../sync/servers.mjs').ServerHandle} Node */

/**
 * @typedef {object} Ctx
 * @property {Options} o
 * @property {import('../sync/provision.mjs').Accounts} accounts
 * @property {number | null} redisPid to sample its CPU (null: another host)
 */

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function runNodesBench(argv) {
  const begun = await startRun({
    title: 'multi-node benchmark (sync nodes on one PostgreSQL and one Redis)',
    kind: 'nodes',
    argv,
    parse: parseNodesArgs,
    usage: USAGE,
    entries: () => [OURS_ENTRY, ADMIN_ENTRY]
  });
  if ('exit' in begun) return begun.exit;
  const { o } = begun;
  const { notes, note } = noteCollector();
  const loadBefore = loadavg();
  log(`load average before: ${loadBefore.map((x) => x.toFixed(2)).join(', ')}`);
  note(
    'the nodes, PostgreSQL, Redis and the load generator share the machine: more nodes add no ' +
      'CPU here, they split the same cores, so read the ratios as the cost of the fan-out, not ' +
      'as capacity per added machine'
  );
  /** @type {Record<string, any>} */
  const results = { clusters: {} };
  /** @type {{ name: string, status: string, detail: string }[]} */
  const targets = [];
  const extra = /** @type {Record<string, unknown>} */ ({ notes });

  const pgWhy = await pgSkipReason();
  const redis = await redisInfo(REDIS_URL);
  if (pgWhy || 'error' in redis) {
    if (pgWhy) note(`skipped: ${pgWhy}`);
    if ('error' in redis)
      note(
        `skipped: Redis at ${REDIS_URL} is not reachable (${redis.error}); start it or set RUNBOARD_BENCH_REDIS_URL`
      );
    results.error = 'PostgreSQL or Redis not reachable';
    return finishRun({ ...begun, results, targets, extra });
  }
  extra.postgres = `${await pgVersion()} at ${pgAdminLabel()}`;
  extra.redis = `Redis ${redis.version} at ${REDIS_URL}`;
  log(`${extra.postgres}; ${extra.redis} (pid ${redis.pid})`);
  const fds = fdLimit();
  if (Number.isFinite(fds) && fds < o.failoverClients * 2 + 200)
    note(
      `open-files limit ${fds} may be too low for ${o.failoverClients} clients (raise ulimit -n)`
    );

  /** @type {import('../sync/provision.mjs').Accounts | null} */
  let accounts = null;
  try {
    const users = Math.ceil(Math.max(o.clients, o.failoverClients) / PER_PRINCIPAL);
    accounts = await provisionAccounts(ADMIN_ENTRY, users, { postgres: true });
    log(
      `provisioned ${users} bench users with API tokens in a template database (${fmt(accounts.ms / 1000)} s); ` +
        `each cluster runs on a fresh copy`
    );
    // what one append and one relay wait for, measured on their own
    const pgRt = await pgRoundTrips(
      /** @type {any} */ (accounts.templateDb).url.replace(/\/[^/]*$/, '/postgres')
    );
    const redisRt = await redisRoundTrips(REDIS_URL);
    results.roundTrips = { pg: pgRt, redis: redisRt };
    log(
      `round trips (median / p99): PostgreSQL query ${fmt(pgRt.query.p50)} / ${fmt(pgRt.query.p99)} ms, ` +
        `commit (synchronous_commit ${pgRt.synchronousCommit}) ${fmt(pgRt.commit.p50)} / ${fmt(pgRt.commit.p99)} ms, ` +
        `Redis PING ${fmt(redisRt.p50)} / ${fmt(redisRt.p99)} ms`
    );
    /** @type {Ctx} */
    const ctx = { o, accounts, redisPid: Number.isFinite(redis.pid) ? redis.pid : null };
    for (const n of o.counts) {
      log('');
      log(`== ${n} node${n > 1 ? 's' : ''}`);
      await quiet(o);
      const q = cpuMark([]);
      await sleep(1000);
      const busyBefore = systemBusyPercent(q, cpuMark([]));
      log(
        `  machine before: ${pct(busyBefore)} CPU busy, load average ${loadavg()[0]?.toFixed(2)}`
      );
      try {
        results.clusters[n] = { busyBefore, ...(await runCluster(n, ctx)) };
      } catch (err) {
        const msg = String(/** @type {Error} */ (err)?.stack ?? err);
        results.clusters[n] = { error: msg };
        log(`  ERROR: ${msg.split('\n').slice(0, 6).join('\n  ')}`);
        targets.push({
          name: `${n} node(s) ran`,
          status: 'FAIL',
          detail: msg.split('\n')[0] ?? ''
        });
      }
    }
  } catch (err) {
    const msg = String(/** @type {Error} */ (err)?.stack ?? err);
    results.error = msg;
    log(`ERROR: ${msg.split('\n').slice(0, 6).join('\n')}`);
  } finally {
    await removeTemplate(accounts).catch(() => {});
    await dropAllBenchDatabases();
  }
  const loadAfter = loadavg();
  results.loadAverage = { before: loadBefore, after: loadAfter };
  summary(o, results, targets);
  log('');
  log(`load average after: ${loadAfter.map((x) => x.toFixed(2)).join(', ')}`);
  return finishRun({ ...begun, results, targets, extra });
}

/**
 * One cluster of `n` nodes: start, measure, stop, drop its database.
 * @param {number} n
 * @param {Ctx} ctx
 */
async function runCluster(n, ctx) {
  const { o } = ctx;
  const target = await cloneTarget(ctx.accounts);
  const db = /** @type {import('../pg.mjs').BenchDatabase} */ (target.db);
  const prefix = uniquePrefix();
  const env = { REDIS_URL, REDIS_PREFIX: prefix, RUNBOARD_SECRET_KEY: SECRET_KEY };
  /** @type {Node[]} */
  const nodes = [];
  /** @param {number} i */
  const start = (i, port = 0) =>
    startServer('ours-pg', {
      dataDir: i === 0 ? target.dataDir : makeDataDir('ours-pg'),
      databaseUrl: db.url,
      env,
      port,
      verbose: o.verbose
    });
  try {
    // one after another: the first migrates the database
    for (let i = 0; i < n; i++) nodes.push(await start(i));
    log(
      `  ${n} node(s) on ${db.name}, REDIS_PREFIX ${prefix}; started in ` +
        nodes.map((h) => `${fmt(h.startMs)} ms`).join(', ')
    );
    const latency = await latencyPhases(n, nodes, db.name, ctx);
    const failover = await failoverPhase(n, nodes, db.name, ctx, start);
    return { nodes: n, database: db.name, redisPrefix: prefix, ...latency, failover };
  } finally {
    for (const h of nodes) {
      await stopServer(h);
      removeDataDir(h);
    }
    await db.drop();
  }
}

/**
 * A plan of `docs` documents × `perDoc` clients, the first `editorsPerDoc` of each editing;
 * client i connects to node i mod n, from source address 127.0.0.(2 + i/100) with bench user
 * i/100's token, and knows every node's URL (urls[k] is node k).
 * @param {Node[]} nodes
 * @param {Ctx} ctx
 * @param {{ docs: number, perDoc: number, editorsPerDoc: number, docName: (d: number) => string }} s
 */
function plan(nodes, ctx, s) {
  const tokens = ctx.accounts.tokens;
  /** @type {import('../sync/generator.mjs').PlanClient[]} */
  const clients = [];
  /** @type {number[]} */
  const editorDoc = [];
  for (let d = 0; d < s.docs; d++) {
    for (let j = 0; j < s.perDoc; j++) {
      const id = clients.length;
      const who = Math.floor(id / PER_PRINCIPAL);
      const token = tokens[who];
      if (!token) throw new Error(`no API token for client ${id}`);
      if (who + 2 > 254) throw new Error('too many clients for the loopback source addresses');
      const node = id % nodes.length;
      const urls = nodes.map((h) => `${h.url(s.docName(d))}?token=${encodeURIComponent(token)}`);
      let editor = -1;
      if (j < s.editorsPerDoc) {
        editor = editorDoc.length;
        editorDoc.push(d);
      }
      clients.push({
        id,
        doc: d,
        url: /** @type {string} */ (urls[node]),
        urls,
        node,
        editor,
        worker: 0,
        localAddress: `127.0.0.${2 + who}`
      });
    }
  }
  return { clients, editorDoc };
}

/**
 * With --nodes-wait-quiet: wait (bounded) until other processes leave the CPU alone.
 * @param {Options} o
 */
async function quiet(o) {
  if (!o.waitQuietMs) return;
  const q = await waitQuiet(o.waitQuietMs);
  if (!q.quiet)
    log(
      `    ! machine still busy (${pct(q.busy)} CPU) after ${fmt(q.waitedMs / 1000)} s; running anyway`
    );
  else if (q.waitedMs > 1500) log(`    (waited ${fmt(q.waitedMs / 1000)} s for a quiet machine)`);
}

/** @param {number} t shared-clock ms */
const sleepUntil = (t) => sleep(Math.max(0, t - nowMs()));

/**
 * CPU of the groups of processes between two marks, % of one core; a pid gone (a PostgreSQL
 * backend the pool closed) counts as 0.
 * @param {Record<string, number[]>} groups
 */
function cpuGroups(groups) {
  const names = Object.keys(groups);
  const pids = names.flatMap((k) => /** @type {number[]} */ (groups[k]));
  const m0 = cpuMark(pids);
  return {
    end() {
      const m1 = cpuMark(pids);
      const cpu = cpuPercent(m0, m1).map((x) => (Number.isFinite(x) ? x : 0));
      /** @type {Record<string, number[]>} */
      const per = {};
      let i = 0;
      for (const k of names)
        per[k] = cpu.slice(i, (i += /** @type {number[]} */ (groups[k]).length));
      /** @type {Record<string, number>} */
      const sum = {};
      for (const k of names) sum[k] = (per[k] ?? []).reduce((a, b) => a + b, 0);
      const machine = systemBusyPercent(m0, m1);
      const ours = Object.values(sum).reduce((a, b) => a + b, 0);
      return { perNode: per.nodes ?? [], ...sum, machine, other: Math.max(0, machine - ours) };
    }
  };
}

/**
 * One measured editing phase with the CPU of every process involved over its window.
 * @param {Generator} gen
 * @param {Node[]} nodes
 * @param {string} database
 * @param {Ctx} ctx
 * @param {{ rate: number, editors: number, warmupMs: number, durationMs: number }} p
 */
async function measured(gen, nodes, database, ctx, p) {
  /** @type {Record<string, number>} */
  const rates = {};
  for (let e = 0; e < p.editors; e++) rates[e] = p.rate / p.editors;
  const warmupStart = nowMs() + 300;
  const tStart = warmupStart + p.warmupMs;
  const tEnd = tStart + p.durationMs;
  const runP = gen.run({ warmupStart, tStart, tEnd, rates });
  runP.catch(() => {});
  // the pools open their connections once edits come in: list the backends in the warm-up
  await sleepUntil(warmupStart + Math.min(500, p.warmupMs / 2));
  const pg = await backendPids(database).catch(() => []);
  await sleepUntil(tStart);
  const cpu = cpuGroups({
    nodes: nodes.map((h) => h.pid),
    gen: gen.pids,
    pg,
    redis: ctx.redisPid ? [ctx.redisPid] : []
  });
  await sleepUntil(tEnd);
  const c = cpu.end();
  const r = await runP;
  const windowS = r.windowMs / 1000;
  return {
    targetRate: p.rate,
    editRate: r.sentMeasured / windowS,
    latency: r.latency,
    sameNode: r.latencySameNode,
    crossNode: r.latencyCrossNode,
    deliveriesPerSec: r.deliveredMeasured / windowS,
    deliveryRatio: r.expectedMeasured ? r.deliveredMeasured / r.expectedMeasured : NaN,
    closes: r.closes,
    exhausted: r.exhausted,
    genLoopDelayP99Ms: r.loopP99,
    pgBackends: pg.length,
    cpu: c
  };
}

/** @param {any} c cpu groups */
const cpuLine = (c) =>
  `nodes ${c.perNode.map(pct).join('+') || '-'}, pg ${pct(c.pg)}, redis ${pct(c.redis)}, gen ${pct(c.gen)}, ` +
  `other ${pct(c.other)} (machine ${pct(c.machine)} of 200%)`;

/**
 * Phases 1 and 2 on one document: latency at the fixed rate, then the ramp.
 * @param {number} n
 * @param {Node[]} nodes
 * @param {string} database
 * @param {Ctx} ctx
 */
async function latencyPhases(n, nodes, database, ctx) {
  const { o } = ctx;
  const pl = plan(nodes, ctx, {
    docs: 1,
    perDoc: o.clients,
    editorsPerDoc: o.editors,
    docName: () => `${WORKSPACE}.board`
  });
  // updates each editor needs: the fixed phase and every ramp step (one may be repeated)
  const phases = [
    { rate: o.rate, ms: 1000 + o.durationMs },
    ...o.ramp.flatMap((r) => [r, r]).map((rate) => ({ rate, ms: STEP_WARMUP_MS + o.stepMs }))
  ];
  const maxSeq =
    Math.ceil(phases.reduce((a, p) => a + (p.rate / o.editors) * (p.ms / 1000) * 1.4 + 10, 0)) + 10;
  const gen = new Generator(1);
  try {
    await gen.setup({ ...pl, maxSeq });
    const conn = await gen.connect({ concurrency: 100, mode: 'step1' });
    if (conn.failed)
      throw new Error(
        `${conn.failed} of ${pl.clients.length} clients could not connect: ${conn.errors[0]}`
      );
    const fixed = await measured(gen, nodes, database, ctx, {
      rate: o.rate,
      editors: o.editors,
      warmupMs: 1000,
      durationMs: o.durationMs
    });
    log(
      `  fixed ${o.rate} edits/s, ${pl.clients.length} clients on ${WORKSPACE}.board: ` +
        `same node p50 ${fmt(fixed.sameNode.p50)} p99 ${fmt(fixed.sameNode.p99)} ms` +
        (n > 1
          ? `, other node p50 ${fmt(fixed.crossNode.p50)} p99 ${fmt(fixed.crossNode.p99)} ms`
          : '') +
        `, ${(fixed.deliveryRatio * 100).toFixed(1)}% delivered; ${cpuLine(fixed.cpu)}`
    );
    /** @type {any[]} */
    const steps = [];
    let maxPassRate = 0;
    /** @type {any} */
    let firstFail = null;
    let repeated = false;
    for (let si = 0; si < o.ramp.length; si++) {
      const rate = /** @type {number} */ (o.ramp[si]);
      await quiet(o);
      const m = await measured(gen, nodes, database, ctx, {
        rate,
        editors: o.editors,
        warmupMs: STEP_WARMUP_MS,
        durationMs: o.stepMs
      });
      /** @type {string[]} */
      const reasons = [];
      if (!(m.latency.p99 <= o.p99Ms)) reasons.push(`p99 ${fmt(m.latency.p99)} ms`);
      if (!(m.deliveryRatio >= 0.99))
        reasons.push(`behind: ${(m.deliveryRatio * 100).toFixed(1)}% delivered`);
      if (m.editRate < 0.95 * rate) reasons.push(`only ${fmt(m.editRate)} edits/s sent`);
      if (m.exhausted) reasons.push('generator ran out of updates');
      if (m.closes) reasons.push(`${m.closes} connections closed`);
      const disturbed = m.cpu.other > 20;
      const step = { ...m, pass: !reasons.length, reasons, disturbed };
      steps.push(step);
      log(
        `    step ${String(rate).padStart(4)} edits/s: p50 ${fmt(m.latency.p50)} p99 ${fmt(m.latency.p99)} ms` +
          (n > 1 ? ` (other node p99 ${fmt(m.crossNode.p99)})` : '') +
          `, ${int(m.deliveriesPerSec)} deliv/s; ${cpuLine(m.cpu)}` +
          (step.pass ? '  ok' : `  FAIL (${reasons.join(', ')})`) +
          (disturbed ? '  [busy with other processes]' : '')
      );
      if (!step.pass && disturbed && !repeated) {
        // once per ramp: another process took the CPU, repeat this step
        repeated = true;
        si--;
        log('    (repeating the step once: the machine was busy)');
        await sleep(1000);
        continue;
      }
      if (!step.pass) {
        firstFail = { rate, reasons, cpu: m.cpu, latency: m.latency };
        break;
      }
      maxPassRate = rate;
    }
    const ramp = { p99ThresholdMs: o.p99Ms, maxPassRate, firstFail, steps };
    return { fixed, ramp, bounds: { ramp: rampBound(ramp, n), crossNode: crossBound(fixed, n) } };
  } finally {
    await gen.close();
  }
}

/**
 * What stopped the ramp, read from the failing step's CPU.
 * @param {any} ramp
 * @param {number} n
 */
function rampBound(ramp, n) {
  const f = ramp.firstFail;
  if (!f) return 'not reached: every step passed (raise --nodes-ramp)';
  const c = f.cpu;
  const top = Math.max(...c.perNode);
  const parts = `nodes ${c.perNode.map(pct).join('+')}, load generator ${pct(c.gen)}, PostgreSQL ${pct(c.pg)}, Redis ${pct(c.redis)}, other ${pct(c.other)}`;
  if (c.other >= 50)
    return (
      `CPU shared with other processes at ${f.rate} edits/s: they used ${pct(c.other)} of the ` +
      `${pct(c.machine)} busy (${parts}); a figure of this machine's load, not of the nodes`
    );
  if (c.machine >= 170)
    return (
      `CPU: the 2 cores were full at ${f.rate} edits/s (${parts})` +
      (n > 1 ? '; every node applies every update, each sends to its own clients' : '')
    );
  if (top >= 85)
    return `one node's event loop at ${f.rate} edits/s (${pct(top)} of a core; ${parts})`;
  if (c.gen >= 85)
    return `the load generator at ${f.rate} edits/s (${pct(c.gen)} of a core; ${parts})`;
  return (
    `latency, not CPU, at ${f.rate} edits/s (${parts}): the durable PostgreSQL append before each broadcast` +
    (n > 1 ? ' and the Redis relay' : '')
  );
}

/**
 * What the cross-node latency is made of.
 * @param {any} fixed
 * @param {number} n
 */
function crossBound(fixed, n) {
  // with the cores taken by other processes, every hop mostly waits for a CPU
  const busy =
    fixed.cpu.other >= 50
      ? `; other processes used ${pct(fixed.cpu.other)} of the CPU, so both mostly wait for a core`
      : '';
  if (n === 1)
    return (
      "one node: every receiver is on the editor's node (PostgreSQL append, then the broadcast)" +
      busy
    );
  const d = fixed.crossNode.p50 - fixed.sameNode.p50;
  return (
    `other node − same node, p50: ${fmt(d)} ms, the Redis relay (publish, delivery, apply on the ` +
    `other node, send); both include the PostgreSQL append before the first broadcast` +
    busy
  );
}

/**
 * Phase 3: `failoverClients` clients over documents of 10, SIGKILL the last node (one node: kill
 * and restart it), until every client holds the marker written after the kill.
 * @param {number} n
 * @param {Node[]} nodes
 * @param {string} database
 * @param {Ctx} ctx
 * @param {(i: number, port?: number) => Promise<Node>} start
 */
async function failoverPhase(n, nodes, database, ctx, start) {
  const { o } = ctx;
  const perDoc = 10;
  const docs = Math.ceil(o.failoverClients / perDoc);
  const killed = n - 1;
  const pl = plan(nodes, ctx, {
    docs,
    perDoc,
    editorsPerDoc: 2,
    docName: (d) => `${WORKSPACE}.runbook.fo${d}`
  });
  pl.clients.length = o.failoverClients;
  // each document's marker is written by an editor on a node that survives (two editors per
  // document sit on two nodes); with one node, by the first editor once it has resynced
  /** @type {Record<string, number>} */
  const markerOf = {};
  for (const c of pl.clients) {
    if (c.editor < 0 || markerOf[c.doc] !== undefined) continue;
    if (n === 1 || c.node !== killed) {
      markerOf[c.doc] = c.editor;
      c.markerWriter = true;
    }
  }
  const gen = new Generator(1);
  try {
    await gen.setup({ ...pl, maxSeq: 2 });
    const t0 = performance.now();
    const conn = await gen.connect({ concurrency: 100, mode: 'update', timeoutMs: 20000 });
    const connectMs = performance.now() - t0;
    if (conn.failed > o.failoverClients * 0.01)
      throw new Error(
        `${conn.failed} of ${o.failoverClients} clients could not connect: ${conn.errors[0]}`
      );
    await sleep(1000);
    await gen.armFailover({ jitterMs: o.jitterMs, markerOf });
    const waitP = gen.awaitFailover({ timeoutMs: FAILOVER_TIMEOUT_MS });
    waitP.catch(() => {});
    const victim = /** @type {Node} */ (nodes[killed]);
    const survivors = nodes.filter((h) => h !== victim);
    const cpu = cpuGroups({
      nodes: survivors.map((h) => h.pid),
      gen: gen.pids,
      pg: await backendPids(database).catch(() => []),
      redis: ctx.redisPid ? [ctx.redisPid] : []
    });
    const tKill = nowMs();
    // only the node this harness started, by its pid
    victim.proc.kill('SIGKILL');
    await /** @type {any} */ (victim).exitedPromise;
    const exitMs = nowMs() - tKill;
    const written = await gen.writeMarkers({ killedNode: killed });
    let restartReadyMs = NaN;
    let restartCpu = NaN;
    if (n === 1) {
      removeDataDir(victim);
      const h = await start(0, victim.port);
      nodes[killed] = h;
      restartReadyMs = h.readyAt - tKill;
    }
    const clients = await waitP;
    const c = cpu.end();
    if (n === 1) {
      const h = /** @type {Node} */ (nodes[killed]);
      const ticks = readCpuTicks(h.pid);
      const s = (nowMs() - h.readyAt + h.startMs) / 1000;
      restartCpu = ticks == null ? NaN : (ticks / CLK_TCK / s) * 100;
    }
    const since = (/** @type {number} */ t) => t - tKill;
    const moved = clients.filter((x) => x.node === killed);
    const stayed = clients.filter((x) => x.node !== killed);
    const done = clients.filter((x) => x.sawAt > 0);
    const movedAt = moved.filter((x) => x.sawAt > 0).map((x) => since(x.sawAt));
    const stayedAt = stayed.filter((x) => x.sawAt > 0).map((x) => since(x.sawAt));
    const lastAttempt = Math.max(0, ...moved.map((x) => (x.attemptAt ? since(x.attemptAt) : 0)));
    const allMs =
      done.length === clients.length ? Math.max(...done.map((x) => since(x.sawAt))) : NaN;
    // documents where a client never got the marker, with whether its writer wrote it
    /** @type {Record<string, { missing: number, wroteMs: number | null }>} */
    const behind = {};
    for (const x of clients) {
      if (x.sawAt > 0) continue;
      const w = clients.find((y) => y.doc === x.doc && y.writer);
      const b = (behind[x.doc] ??= { missing: 0, wroteMs: w?.wroteAt ? since(w.wroteAt) : null });
      b.missing++;
    }
    const r = {
      mode: n === 1 ? 'restart' : 'failover',
      behind,
      clients: clients.length,
      docs,
      connectMs,
      connectFailed: conn.failed,
      unconfirmed: conn.unconfirmed,
      exitMs,
      markersNow: written.now,
      markersAfterResync: written.later,
      restartReadyMs,
      restartCpu,
      resynced: done.length,
      allMs,
      moved: moved.length,
      movedP50Ms: quantile(movedAt, 0.5),
      movedP99Ms: quantile(movedAt, 0.99),
      lastAttemptMs: lastAttempt,
      attemptsMax: Math.max(0, ...moved.map((x) => x.attempts)),
      attemptsMean: moved.reduce((a, x) => a + x.attempts, 0) / Math.max(1, moved.length),
      stayed: stayed.length,
      stayedMaxMs: stayedAt.length ? Math.max(...stayedAt) : NaN,
      cpu: c
    };
    log(
      `  ${r.mode}: ${r.clients} clients over ${docs} docs (connected in ${fmt(connectMs / 1000)} s); ` +
        `SIGKILL node ${killed + 1} (exit seen after ${fmt(exitMs)} ms)` +
        (n === 1 ? `, restarted, ready after ${fmt(restartReadyMs)} ms` : '') +
        `; ${r.resynced}/${r.clients} hold the marker, all after ${fmt(allMs)} ms; ` +
        `the ${r.moved} dropped clients: p50 ${fmt(r.movedP50Ms)} p99 ${fmt(r.movedP99Ms)} ms, last attempt ` +
        `began ${fmt(lastAttempt)} ms after the kill, attempts ≤ ${r.attemptsMax}` +
        (r.stayed ? `; the ${r.stayed} others: marker after ≤ ${fmt(r.stayedMaxMs)} ms` : '') +
        `; ${cpuLine(c)}` +
        (n === 1 ? ` + restarted node ${pct(restartCpu)}` : '')
    );
    if (Object.keys(behind).length)
      log(
        `  ! clients without the marker, by document: ` +
          Object.entries(behind)
            .slice(0, 10)
            .map(
              ([d, b]) =>
                `fo${d}: ${b.missing} (writer ${b.wroteMs == null ? 'never wrote' : `wrote at ${fmt(b.wroteMs)} ms`})`
            )
            .join(', ')
      );
    return { ...r, bound: failoverBound(r, n, o.jitterMs) };
  } finally {
    await gen.close();
  }
}

/**
 * @param {any} r
 * @param {number} n
 * @param {number} jitterMs
 */
function failoverBound(r, n, jitterMs) {
  const tail = Math.max(0, r.allMs - r.lastAttemptMs);
  if (n === 1)
    return (
      `restart: the node was listening ${fmt(r.restartReadyMs)} ms after the SIGKILL; the clients' ` +
      `reconnect delays (0–${jitterMs} ms, retried while it was down: last attempt at ${fmt(r.lastAttemptMs)} ms), ` +
      `then ${fmt(tail)} ms for the last handshakes and resyncs`
    );
  return (
    `the clients' reconnect delay (0–${jitterMs} ms: the last of the ${r.moved} began at ` +
    `${fmt(r.lastAttemptMs)} ms), then ${fmt(tail)} ms for the last handshake (token check in ` +
    `PostgreSQL) and resync on the ${n - 1} surviving node${n > 2 ? 's' : ''}`
  );
}

/**
 * The figures side by side, with ratios against the 1-node run.
 * @param {Options} o
 * @param {Record<string, any>} results
 * @param {{ name: string, status: string, detail: string }[]} targets
 */
function summary(o, results, targets) {
  const ok = o.counts.filter((n) => results.clusters[n] && !results.clusters[n].error);
  if (!ok.length) return;
  /** @param {number} n */
  const R = (n) => results.clusters[n];
  const ref = R(1) && !R(1).error ? R(1) : null;
  const others = ok.filter((n) => n !== 1);
  /**
   * @param {string} label
   * @param {(r: any) => number} get
   * @param {(v: number, r: any) => string} show
   */
  const row = (label, get, show) => [
    label,
    ...ok.map((n) => show(get(R(n)), R(n))),
    ...(ref ? others.map((n) => fmtRatio(ratio(get(R(n)), get(ref)))) : [])
  ];
  const cross = (/** @type {any} */ r) => (r.nodes > 1 ? r.fixed.crossNode : r.fixed.sameNode);
  log('');
  log(
    '== Summary (ratios: against the 1-node run; 1 node has no other node, so its "other node" is its same-node latency)'
  );
  log(
    table(
      [
        'figure',
        ...ok.map((n) => `${n} node${n > 1 ? 's' : ''}`),
        ...(ref ? others.map((n) => `${n}/1`) : [])
      ],
      [
        row(
          `sustained edits/s at p99 ≤ ${o.p99Ms} ms`,
          (r) => r.ramp.maxPassRate,
          (v, r) => {
            const f = r.ramp.firstFail;
            return `${int(v)}${f ? ` (${f.rate}: ${f.reasons[0]}${f.cpu.other >= 50 ? ', busy' : ''})` : ''}`;
          }
        ),
        row(
          `other-node p50 at ${o.rate} edits/s`,
          (r) => cross(r).p50,
          (v) => `${fmt(v)} ms`
        ),
        row(
          `other-node p99 at ${o.rate} edits/s`,
          (r) => cross(r).p99,
          (v) => `${fmt(v)} ms`
        ),
        row(
          `same-node p50 / p99 (ratio: p99)`,
          (r) => r.fixed.sameNode.p99,
          (v, r) => `${fmt(r.fixed.sameNode.p50)} / ${fmt(v)} ms`
        ),
        row(
          `${o.failoverClients} clients resynced after SIGKILL`,
          (r) => r.failover.allMs,
          (v, r) => `${fmt(v)} ms${r.nodes === 1 ? ' (restart)' : ''}`
        ),
        row(
          `nodes' CPU at ${o.rate} edits/s`,
          (r) => r.fixed.cpu.nodes,
          (v) => pct(v)
        ),
        row(
          `PostgreSQL / Redis CPU at ${o.rate} edits/s`,
          (r) => r.fixed.cpu.pg,
          (v, r) => `${pct(v)} / ${pct(r.fixed.cpu.redis)}`
        )
      ]
    )
  );
  log('');
  log('What bounds each figure:');
  for (const n of ok) {
    const r = R(n);
    log(`  ${n} node${n > 1 ? 's' : ''}: ramp: ${r.bounds.ramp}`);
    log(`           latency: ${r.bounds.crossNode}`);
    log(`           ${r.failover.mode}: ${r.failover.bound}`);
    targets.push({
      name: `${n} node(s): every client resynced`,
      status: r.failover.resynced === r.failover.clients ? 'PASS' : 'FAIL',
      detail: `${r.failover.resynced}/${r.failover.clients}`
    });
  }
}
