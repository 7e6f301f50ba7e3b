// Automation benchmark (issue 15): shell jobs run by the server's own runner in the production
// app (build/server/main.js on 127.0.0.1), driven over REST as a person or a script would.
//   start:      POST …/jobs/<id>/runs → the job's process running, one run after another
//   log:        a job printing a timestamped line every 20 ms, followed over
//               GET …/runs/<id>/log?follow=1 (fetch streaming, as the browser does)
//   concurrent: 50 short runs at once across two workspaces, while 20 y-websocket clients time
//               board sync round trips; the same board figure without jobs is the reference
// Timestamps from the job come from bash's `$EPOCHREALTIME` (CLOCK_REALTIME, µs, no fork) and are
// compared with the harness's `performance.timeOrigin + performance.now()` (the same clock on the
// same machine).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFlags, scenarioList, wholeNumber } from '../flags.mjs';
import { finishRun, log, noteCollector, outputFlags, startRun } from '../run-frame.mjs';
import {
  ADMIN_ENTRY,
  MAIN_ENTRY,
  availableBackends,
  backendList,
  freshStore
} from '../backends.mjs';
import { backendPids, dropAllBenchDatabases } from '../pg.mjs';
import { cpuMark, cpuPercent, sleep, systemBusyPercent } from '../sync/proc.mjs';
import { admin, provisionWorkspace, WORKSPACE } from '../sync/provision.mjs';
import { fmt, fmtRatio, int, pct, ratio, table } from '../sync/report.mjs';
import { startServer, stopServer } from '../sync/servers.mjs';
import { quantile } from '../sync/stats.mjs';
import { waitQuiet } from '../sync/index.mjs';
import { closeProbeClients, connectProbeClients, startProbing } from '../alerts/board-probe.mjs';

/** The targets of issue 15. */
export const TARGETS = { startP95Ms: 200, logP99Ms: 250, syncP99Ms: 50 };

/** The second workspace of the concurrent scenario (the first is `bench`). */
const WORKSPACE_2 = 'bench2';

const SCENARIOS = ['start', 'log', 'concurrent'];

/** Board clients per board member (API token). */
const CLIENTS_PER_MEMBER = 4;

const USAGE = `Usage: node bench/run.mjs automation [flags]

Shell jobs in the production app (build/server/main.js on 127.0.0.1) over REST: start latency,
live log latency, and 50 concurrent runs while board clients time sync round trips.

  --automation-only=start,log,concurrent  scenarios (default all)
  --automation-backends=sqlite[,postgres] stores (default sqlite; postgres when reachable)
  --automation-starts=N            runs of the start scenario, one after another (default 100)
  --automation-log-runs=N          runs of the log scenario, one after another (default 3)
  --automation-log-lines=N         lines per log run, one every 20 ms (default 150, ~3 s)
  --automation-runs=N              runs of the concurrent scenario (default 50)
  --automation-board-clients=K     y-websocket clients on the board (default 20)
  --automation-probe-ms=MS         one sync probe every MS ms (default 50)
  --automation-wait-quiet[=S]      before each scenario wait up to S s (default 60) for other
                                   processes to use < 30% CPU
  --automation-verbose             echo the server's output
  --out=DIR                        results directory (default bench/results)
  --strict                         exit 1 when a target FAILs`;

/** @param {string[]} argv */
export function parseAutomationArgs(argv) {
  const a = readFlags(
    argv,
    [
      'automation-only',
      'automation-backends',
      'automation-starts',
      'automation-log-runs',
      'automation-log-lines',
      'automation-runs',
      'automation-board-clients',
      'automation-probe-ms',
      'automation-wait-quiet',
      'automation-verbose',
      'out',
      'strict',
      'help'
    ],
    USAGE
  );
  const starts = wholeNumber(a, 'automation-starts', 100);
  if (starts < 1 || starts > 2000) throw new Error('--automation-starts must be 1..2000');
  const logRuns = wholeNumber(a, 'automation-log-runs', 3);
  if (logRuns < 1 || logRuns > 50) throw new Error('--automation-log-runs must be 1..50');
  const logLines = wholeNumber(a, 'automation-log-lines', 150);
  if (logLines < 1 || logLines > 5000) throw new Error('--automation-log-lines must be 1..5000');
  const runs = wholeNumber(a, 'automation-runs', 50);
  if (runs < 1 || runs > 200) throw new Error('--automation-runs must be 1..200');
  const boardClients = wholeNumber(a, 'automation-board-clients', 20);
  if (boardClients < 2 || boardClients > 50)
    throw new Error('--automation-board-clients must be 2..50');
  const probeMs = wholeNumber(a, 'automation-probe-ms', 50);
  if (probeMs < 10) throw new Error('--automation-probe-ms must be at least 10');
  return {
    help: !!a.help,
    only: scenarioList(a, 'automation-only', SCENARIOS),
    backends: backendList(
      { 'automation-backends': a['automation-backends'] ?? 'sqlite' },
      'automation-backends'
    ),
    starts,
    logRuns,
    logLines,
    runs,
    boardClients,
    probeMs,
    waitQuietMs:
      a['automation-wait-quiet'] === undefined
        ? 0
        : wholeNumber(a, 'automation-wait-quiet', 60) * 1000,
    verbose: !!a['automation-verbose'],
    ...outputFlags(a)
  };
}

/** Wall-clock time in ms with sub-ms resolution, comparable with bash's `$EPOCHREALTIME`. */
const wallMs = () => performance.timeOrigin + performance.now();

/** `$EPOCHREALTIME` (`1733412345.123456`) in ms. */
const epochMs = (/** @type {string} */ s) => Number(s) * 1000;

/**
 * @param {number[]} xs
 */
const dist = (xs) => ({
  n: xs.length,
  p50: quantile(xs, 0.5),
  p95: quantile(xs, 0.95),
  p99: quantile(xs, 0.99),
  max: xs.length ? Math.max(...xs) : NaN
});

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function runAutomationBench(argv) {
  const begun = await startRun({
    title: 'automation benchmark (shell jobs: start, live log, concurrency + live board)',
    kind: 'automation',
    argv,
    parse: parseAutomationArgs,
    usage: USAGE,
    entries: () => [MAIN_ENTRY, ADMIN_ENTRY]
  });
  if ('exit' in begun) return begun.exit;
  const { o } = begun;
  const { notes, note } = noteCollector();
  const { backends, postgres } = await availableBackends(o.backends, note);
  if (postgres) log(`PostgreSQL: ${postgres} (a fresh database per backend, dropped after)`);
  log(
    `scenarios: ${o.only.join(', ')}; ${o.starts} starts, ${o.logRuns} × ${o.logLines} log lines, ` +
      `${o.runs} concurrent runs with ${o.boardClients} board clients (a probe every ${o.probeMs} ms); ` +
      `backends: ${backends.join(', ') || '(none)'}`
  );

  /** @type {Record<string, any>} */
  const results = {};
  try {
    for (const backend of backends) {
      log('');
      log(`== ${backend === 'sqlite' ? 'SQLite (DATA_DIR)' : 'PostgreSQL (DATABASE_URL)'}`);
      try {
        results[backend] = await measureBackend(backend, o);
      } catch (err) {
        const msg = String(/** @type {Error} */ (err)?.stack ?? err);
        results[backend] = { error: msg };
        log(`  ERROR: ${msg.split('\n').slice(0, 8).join('\n  ')}`);
      }
    }
  } finally {
    await dropAllBenchDatabases();
  }

  log('');
  log('== Summary');
  /** @type {(string | number)[][]} */
  const rows = [];
  /** @type {{ name: string, status: 'PASS' | 'FAIL', detail: string }[]} */
  const targets = [];
  for (const [backend, r] of Object.entries(results)) {
    if (!r || r.error) {
      targets.push({ name: `${backend}: the run`, status: 'FAIL', detail: 'error' });
      continue;
    }
    const pass = (/** @type {boolean} */ ok) => (ok ? 'PASS' : 'FAIL');
    if (r.start) {
      const s = r.start.latency;
      rows.push([
        `${backend}: start, API call → job's first command, p95`,
        `${fmt(s.p95)} ms`,
        `${fmt(r.start.bare.p95)} ms`,
        fmtRatio(ratio(s.p95, r.start.bare.p95)),
        `< ${TARGETS.startP95Ms} ms`,
        pass(s.p95 < TARGETS.startP95Ms)
      ]);
      targets.push({
        name: `${backend}: start latency p95 < ${TARGETS.startP95Ms} ms`,
        status: pass(s.p95 < TARGETS.startP95Ms && r.start.failed === 0),
        detail:
          `p50 ${fmt(s.p50)} / p95 ${fmt(s.p95)} / max ${fmt(s.max)} ms over ${s.n} runs` +
          (r.start.failed ? `, ${r.start.failed} runs failed` : '')
      });
    }
    if (r.log) {
      const l = r.log.latency;
      const complete = r.log.missing === 0;
      rows.push([
        `${backend}: log line → follower, p99`,
        `${fmt(l.p99)} ms`,
        '-',
        '-',
        `< ${TARGETS.logP99Ms} ms`,
        pass(l.p99 < TARGETS.logP99Ms && complete)
      ]);
      targets.push({
        name: `${backend}: log line to the follower p99 < ${TARGETS.logP99Ms} ms`,
        status: pass(l.p99 < TARGETS.logP99Ms && complete),
        detail:
          `p50 ${fmt(l.p50)} / p99 ${fmt(l.p99)} / max ${fmt(l.max)} ms over ${int(l.n)} lines` +
          `, ${int(r.log.missing)} missing`
      });
    }
    if (r.concurrent) {
      const c = r.concurrent;
      rows.push([
        `${backend}: ${c.runs} runs at once, throughput`,
        `${fmt(c.runsPerSec)} runs/s`,
        `${fmt(c.idealRunsPerSec)} runs/s`,
        fmtRatio(ratio(c.runsPerSec, c.idealRunsPerSec)),
        '-',
        'info'
      ]);
      const syncOk = c.sync.busy.p99 < TARGETS.syncP99Ms && c.sync.busy.missing === 0;
      rows.push([
        `${backend}: board sync p99 while jobs run`,
        `${fmt(c.sync.busy.p99)} ms`,
        `${fmt(c.sync.idle.p99)} ms`,
        fmtRatio(ratio(c.sync.busy.p99, c.sync.idle.p99)),
        `< ${TARGETS.syncP99Ms} ms`,
        pass(syncOk)
      ]);
      targets.push({
        name: `${backend}: board sync p99 < ${TARGETS.syncP99Ms} ms while ${c.runs} jobs run`,
        status: pass(syncOk && c.failed === 0),
        detail:
          `${fmt(c.sync.busy.p99)} ms (without jobs ${fmt(c.sync.idle.p99)} ms), ` +
          `${int(c.sync.busy.missing)} probes missing; ${c.succeeded}/${c.runs} runs succeeded ` +
          `in ${fmt(c.totalS)} s, at most ${c.maxAtOnce} at once`
      });
    }
  }
  log(
    table(['figure', 'value', 'reference', 'ratio', 'target', 'status'], rows) +
      '\n  (reference: start, the bare spawn of the same script by the harness; throughput, the ' +
      "node's limit of runs at once with no overhead; board sync, the same clients without jobs)"
  );
  log('');
  for (const t of targets) log(`  ${t.status}  ${t.name} (${t.detail})`);
  return finishRun({
    ...begun,
    results,
    targets,
    extra: { notes, postgres, targetsWanted: TARGETS }
  });
}

/**
 * A tiny REST client on fetch (undici), as a browser or a script would call the API.
 * @param {number} port
 * @param {string} token
 */
function restClient(port, token) {
  const base = `http://127.0.0.1:${port}/api/v1`;
  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  return async (method, path, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' })
      },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) };
  };
}

/** @typedef {ReturnType<typeof restClient>} Api */

/**
 * @param {Api} api
 * @param {string} ws
 * @param {Record<string, unknown>} job
 * @returns {Promise<string>} the job's id
 */
async function createJob(api, ws, job) {
  const r = await api('POST', `/workspaces/${ws}/jobs`, { kind: 'shell', ...job });
  if (r.status !== 201) throw new Error(`POST /jobs answered ${r.status}: ${r.text}`);
  return r.json().id;
}

/**
 * @param {Api} api
 * @param {string} ws
 * @param {string} jobId
 * @returns {Promise<string>} the run's id
 */
async function startJobRun(api, ws, jobId) {
  const r = await api('POST', `/workspaces/${ws}/jobs/${jobId}/runs`, {});
  if (r.status !== 202) throw new Error(`POST /jobs/${jobId}/runs answered ${r.status}: ${r.text}`);
  return r.json().id;
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled', 'timed_out', 'interrupted']);

/**
 * Polls `GET …/runs/<id>` every `everyMs` until the run is over (at most 60 s).
 * @param {Api} api
 * @param {string} ws
 * @param {string} runId
 * @param {number} [everyMs]
 */
async function waitRunEnd(api, ws, runId, everyMs = 25) {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const r = await api('GET', `/workspaces/${ws}/runs/${runId}`);
    if (r.status !== 200) throw new Error(`GET /runs/${runId} answered ${r.status}: ${r.text}`);
    const run = r.json();
    if (FINAL.has(run.state)) return run;
    if (performance.now() > deadline) throw new Error(`run ${runId} still ${run.state} after 60 s`);
    await sleep(everyMs);
  }
}

/**
 * @param {Api} api
 * @param {string} ws
 * @param {string} runId
 */
async function runLog(api, ws, runId) {
  const r = await api('GET', `/workspaces/${ws}/runs/${runId}/log`);
  if (r.status !== 200) throw new Error(`GET /runs/${runId}/log answered ${r.status}`);
  return r.text;
}

/**
 * One backend: a fresh store with an owner and the board members (admin CLI), a second
 * workspace for the concurrent scenario, the app on it, then the scenarios in turn.
 * @param {import('../backends.mjs').Backend} backend
 * @param {ReturnType<typeof parseAutomationArgs>} o
 */
async function measureBackend(backend, o) {
  const store = await freshStore(backend, 'automation');
  /** @type {import('../sync/servers.mjs').ServerHandle | null} */
  let server = null;
  try {
    const t0 = performance.now();
    // Board members: one per CLIENTS_PER_MEMBER clients (a person with several tabs); making
    // accounts (scrypt) is most of a run's time on the busy machine.
    const members = o.only.includes('concurrent')
      ? Math.ceil(o.boardClients / CLIENTS_PER_MEMBER)
      : 0;
    const users = Array.from({ length: members + 1 }, (_, i) => ({
      email: `automation${i}@example.com`,
      name: i === 0 ? 'Automation bench owner' : `Board watcher ${i}`
    }));
    const dbOpts = store.databaseUrl ? { databaseUrl: store.databaseUrl } : {};
    const { tokens, email } = await provisionWorkspace(ADMIN_ENTRY, store.dataDir, {
      users,
      workspaceName: 'Automation bench',
      tokens: users.length,
      tokenName: 'automation-bench',
      ...dbOpts
    });
    const [ownerToken, ...boardTokens] = /** @type {string[]} */ (tokens);
    // The second workspace: the per-workspace limit would hold one workspace below the node's.
    await admin(
      ADMIN_ENTRY,
      store.dataDir,
      ['create-workspace', '--name', 'Automation bench 2', '--owner', email, '--id', WORKSPACE_2],
      dbOpts
    );
    const ownerToken2 = await admin(
      ADMIN_ENTRY,
      store.dataDir,
      ['create-token', '--email', email, '--workspace', WORKSPACE_2, '--name', 'automation-bench'],
      dbOpts
    );
    log(
      `  owner, ${members} board members, two workspaces and their API tokens made with ` +
        `the admin CLI in ${fmt((performance.now() - t0) / 1000)} s`
    );
    server = await startServer(backend === 'postgres' ? 'ours-pg' : 'ours', {
      entry: MAIN_ENTRY,
      dataDir: store.dataDir,
      databaseUrl: store.databaseUrl,
      verbose: o.verbose,
      timeoutMs: 30_000
    });
    const port = server.port;
    log(
      `  app on http://127.0.0.1:${port} (pid ${server.pid}, ready in ${fmt(server.startMs)} ms)`
    );
    const api = restClient(port, /** @type {string} */ (ownerToken));
    const api2 = restClient(port, ownerToken2);
    const pgPids = async () =>
      store.db ? await backendPids(store.db.name).catch(() => []) : /** @type {number[]} */ ([]);
    const ctx = {
      backend,
      o,
      port,
      api,
      api2,
      server,
      pgPids,
      boardTokens,
      ownerToken: /** @type {string} */ (ownerToken)
    };

    /** @type {Record<string, any>} */
    const out = { backend };
    for (const scenario of o.only) {
      if (o.waitQuietMs) {
        const q = await waitQuiet(o.waitQuietMs);
        if (!q.quiet) log(`  ! machine still busy (${pct(q.busy)} CPU); running anyway`);
        else if (q.waitedMs > 1500)
          log(`  (waited ${fmt(q.waitedMs / 1000)} s for a quiet machine)`);
      }
      if (scenario === 'start') out.start = await measureStart(ctx);
      if (scenario === 'log') out.log = await measureLog(ctx);
      if (scenario === 'concurrent') out.concurrent = await measureConcurrent(ctx);
    }
    return out;
  } finally {
    if (server) await stopServer(server);
    await store.remove();
  }
}

/**
 * @typedef {object} Ctx
 * @property {import('../backends.mjs').Backend} backend
 * @property {ReturnType<typeof parseAutomationArgs>} o
 * @property {number} port
 * @property {Api} api owner of `bench`
 * @property {Api} api2 owner of `bench2`
 * @property {import('../sync/servers.mjs').ServerHandle} server
 * @property {() => Promise<number[]>} pgPids
 * @property {string[]} boardTokens
 * @property {string} ownerToken
 */

/**
 * CPU of the app (and PostgreSQL's backends), of this harness and of everything else (the
 * jobs' processes included) between `start()` and `stop()`.
 * @param {Ctx} ctx
 */
async function cpuWindow(ctx) {
  const pg = await ctx.pgPids();
  const m0 = cpuMark([ctx.server.pid, ...pg]);
  const c0 = process.cpuUsage();
  return {
    stop() {
      const m1 = cpuMark([ctx.server.pid, ...pg]);
      const c = process.cpuUsage(c0);
      const wallMs = m1.t - m0.t;
      const cpu = cpuPercent(m0, m1);
      const app = cpu[0] ?? NaN;
      const pgCpu = pg.length ? cpu.slice(1).reduce((x, y) => x + y, 0) : null;
      const bench = ((c.user + c.system) / 1000 / wallMs) * 100;
      const other = systemBusyPercent(m0, m1) - app - (pgCpu ?? 0) - bench;
      return { app, pg: pgCpu, bench, other };
    }
  };
}

/** @param {{ app: number, pg: number | null, bench: number, other: number }} c */
const cpuLine = (c) =>
  `CPU: app ${pct(c.app)}` +
  (c.pg !== null ? `, PostgreSQL ${pct(c.pg)}` : '') +
  `, bench ${pct(c.bench)}, other (jobs included) ${pct(c.other)} (100% = one core of ${cpus().length})`;

/**
 * Start latency: one shell job whose first command prints `$EPOCHREALTIME`; each run is posted
 * when the previous one is over (the queue is empty), and the figure is that timestamp minus the
 * harness's clock just before the POST. It includes the `/bin/sh -c exec` wrapper and bash
 * start-up (a few ms), i.e. "the job's first command runs", a little later than the spawn.
 * @param {Ctx} ctx
 */
async function measureStart(ctx) {
  const { api, o } = ctx;
  log(`  -- start: ${o.starts} runs one after another, API call → first command of the job`);
  const jobId = await createJob(api, WORKSPACE, {
    name: 'Start latency probe',
    script: 'printf "rb-start %s\\n" "$EPOCHREALTIME"'
  });
  // Two runs not counted: the first run pays for lazy loads in the app.
  for (let i = 0; i < 2; i++)
    await waitRunEnd(api, WORKSPACE, await startJobRun(api, WORKSPACE, jobId));
  const cpu = await cpuWindow(ctx);
  /** @type {number[]} */
  const latency = [];
  /** @type {number[]} */
  const answer = [];
  /** @type {number[]} */
  const endToEnd = [];
  let failed = 0;
  for (let i = 0; i < o.starts; i++) {
    const t0 = wallMs();
    const runId = await startJobRun(api, WORKSPACE, jobId);
    answer.push(wallMs() - t0);
    const run = await waitRunEnd(api, WORKSPACE, runId, 10);
    endToEnd.push(wallMs() - t0);
    const m = /rb-start (\d+\.\d+)/.exec(await runLog(api, WORKSPACE, runId));
    if (run.state !== 'succeeded' || !m) {
      failed++;
      continue;
    }
    latency.push(epochMs(/** @type {string} */ (m[1])) - t0);
  }
  const c = cpu.stop();
  const bare = await bareSpawns(Math.min(o.starts, 50));
  const r = {
    latency: dist(latency),
    answer: dist(answer),
    endToEnd: dist(endToEnd),
    bare: dist(bare),
    failed,
    cpu: c
  };
  log(
    `  API call → job's first command: p50 ${fmt(r.latency.p50)} / p95 ${fmt(r.latency.p95)} / ` +
      `max ${fmt(r.latency.max)} ms (${r.latency.n} runs, ${failed} failed)`
  );
  log(
    `  (the 202 answer: p50 ${fmt(r.answer.p50)} / p95 ${fmt(r.answer.p95)} ms; ` +
      `POST → run seen over, polling every 10 ms: p50 ${fmt(r.endToEnd.p50)} ms)`
  );
  log(
    `  reference, the same script spawned by the harness as the executor spawns it ` +
      `(/bin/sh -c 'exec "$@"' /bin/bash script.sh): p50 ${fmt(r.bare.p50)} / p95 ${fmt(r.bare.p95)} ms`
  );
  log(`  ${cpuLine(c)}`);
  return r;
}

/**
 * The floor of the start figure on this machine: the start scenario's script spawned by this
 * (small) process the way process-group.ts spawns it, `n` times one after another; ms from
 * before the spawn to the script's `$EPOCHREALTIME`.
 * @param {number} n
 */
async function bareSpawns(n) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-bench-spawn-'));
  try {
    const script = join(dir, 'script.sh');
    writeFileSync(script, 'printf "rb-start %s\\n" "$EPOCHREALTIME"\n');
    /** @type {number[]} */
    const out = [];
    for (let i = 0; i < n; i++) {
      const t0 = wallMs();
      const child = spawn('/bin/sh', ['-c', 'exec "$@" 2>&1', 'bench', '/bin/bash', script], {
        cwd: dir,
        env: { PATH: '/usr/bin:/bin' },
        stdio: ['ignore', 'pipe', 'ignore']
      });
      let text = '';
      child.stdout.on('data', (/** @type {Buffer} */ c) => (text += c.toString('utf8')));
      await new Promise((resolve) => child.on('close', resolve));
      const m = /rb-start (\d+\.\d+)/.exec(text);
      if (m) out.push(epochMs(/** @type {string} */ (m[1])) - t0);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Log latency: a job printing `rb-line <i> $EPOCHREALTIME` every 20 ms; right after the 202 a
 * follower opens `GET …/log?follow=1` with fetch and reads the stream (as the browser does),
 * noting the arrival of each line. The job waits 1 s before its first line so the follower is
 * attached; lines arrive complete or split across chunks, both handled.
 * @param {Ctx} ctx
 */
async function measureLog(ctx) {
  const { api, o, port } = ctx;
  log(
    `  -- log: ${o.logRuns} runs printing ${o.logLines} lines every 20 ms, followed with ` +
      `fetch on …/log?follow=1`
  );
  const jobId = await createJob(api, WORKSPACE, {
    name: 'Log latency probe',
    script:
      `sleep 1\n` +
      `for i in $(seq 1 ${o.logLines}); do printf "rb-line %d %s\\n" "$i" "$EPOCHREALTIME"; sleep 0.02; done\n`
  });
  const cpu = await cpuWindow(ctx);
  /** @type {number[]} */
  const latency = [];
  let missing = 0;
  /** @type {number[]} per run: ms from the 202 to the follow response's headers */
  const attachMs = [];
  for (let run = 0; run < o.logRuns; run++) {
    const runId = await startJobRun(api, WORKSPACE, jobId);
    const t0 = wallMs();
    const response = await fetch(
      `http://127.0.0.1:${port}/api/v1/workspaces/${WORKSPACE}/runs/${runId}/log?follow=1`,
      { headers: { authorization: `Bearer ${ctx.ownerToken}` } }
    );
    if (response.status !== 200) throw new Error(`follow answered ${response.status}`);
    attachMs.push(wallMs() - t0);
    const reader = /** @type {ReadableStream<Uint8Array>} */ (response.body).getReader();
    const decoder = new TextDecoder();
    let pending = '';
    const seen = new Set();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const now = wallMs();
      pending += decoder.decode(value, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^rb-line (\d+) (\d+\.\d+)$/.exec(line);
        if (!m) continue;
        seen.add(Number(m[1]));
        latency.push(now - epochMs(/** @type {string} */ (m[2])));
      }
    }
    missing += o.logLines - seen.size;
    const end = await waitRunEnd(api, WORKSPACE, runId);
    if (end.state !== 'succeeded') throw new Error(`log run ended ${end.state}: ${end.reason}`);
  }
  const c = cpu.stop();
  const r = { latency: dist(latency), missing, attachMs, cpu: c };
  log(
    `  printed → read by the follower: p50 ${fmt(r.latency.p50)} / p99 ${fmt(r.latency.p99)} / ` +
      `max ${fmt(r.latency.max)} ms (${int(r.latency.n)} lines, ${int(missing)} missing; ` +
      `follower attached ${attachMs.map((x) => fmt(x)).join(', ')} ms after the 202)`
  );
  log(`  ${cpuLine(c)}`);
  return r;
}

/**
 * Concurrency: `runs` short runs (`echo hi; sleep 0.2`) posted at once, half in `bench` and half
 * in `bench2`, each workspace one job allowing them all (`maxConcurrent`), so the limits make
 * min(maxRunsPerNode 4, 2 × maxRunsPerWorkspace 3) = 4 at once. Meanwhile the board clients
 * probe; first the same probes without jobs (the reference).
 * @param {Ctx} ctx
 */
async function measureConcurrent(ctx) {
  const { api, api2, o, port } = ctx;
  log(
    `  -- concurrent: ${o.runs} runs of "echo hi; sleep 0.2" over two workspaces, ` +
      `${o.boardClients} board clients probing`
  );
  const apis = /** @type {const} */ ([
    [api, WORKSPACE],
    [api2, WORKSPACE_2]
  ]);
  const jobs = await Promise.all(
    apis.map(([a, ws]) =>
      createJob(a, ws, { name: 'Short job', script: 'echo hi; sleep 0.2', maxConcurrent: 100 })
    )
  );
  /** @type {string[]} */
  const probeTaskIds = [];
  for (let i = 0; i < o.boardClients; i++) {
    const r = await api('POST', `/workspaces/${WORKSPACE}/tasks`, { title: 'sync probe 0' });
    if (r.status !== 201) throw new Error(`POST /tasks answered ${r.status}: ${r.text}`);
    probeTaskIds.push(r.json().id);
  }
  // y-websocket's provider adds a process 'exit' listener per client in Node.
  process.setMaxListeners(Math.max(process.getMaxListeners(), o.boardClients + 10));
  const board = await connectProbeClients({
    baseUrl: `ws://127.0.0.1:${port}/sync`,
    docName: `${WORKSPACE}.board`,
    tokens: Array.from(
      { length: o.boardClients },
      (_, i) => /** @type {string} */ (ctx.boardTokens[i % ctx.boardTokens.length])
    ),
    taskIds: probeTaskIds
  });
  try {
    // Warm-up: one run per workspace, not counted.
    await Promise.all(
      apis.map(async ([a, ws], i) =>
        waitRunEnd(a, ws, await startJobRun(a, ws, /** @type {string} */ (jobs[i])))
      )
    );
    const idleProbe = startProbing(board, probeTaskIds, o.probeMs);
    await sleep(5000);
    const idle = await idleProbe.stop();

    const cpu = await cpuWindow(ctx);
    const busyProbe = startProbing(board, probeTaskIds, o.probeMs);
    const start = wallMs();
    const ids = await Promise.all(
      Array.from({ length: o.runs }, (_, i) => {
        const [a, ws] = /** @type {(typeof apis)[number]} */ (apis[i % 2]);
        return startJobRun(a, ws, /** @type {string} */ (jobs[i % 2])).then((id) => ({
          a,
          ws,
          id
        }));
      })
    );
    const posted = wallMs() - start;
    // One poll at a time, in the order posted (they end about in that order): the harness's
    // own requests stay a few per 100 ms instead of one per run.
    const ends = [];
    for (const { a, ws, id } of ids) ends.push(await waitRunEnd(a, ws, id, 100));
    const seenEnd = wallMs();
    const busy = await busyProbe.stop();
    const c = cpu.stop();
    // The server's own times (same clock): from the first POST to the last run's end.
    const finished = ends.map((r) => Date.parse(r.finishedAt));
    const lastEnd = Math.max(...finished);
    const totalS = (lastEnd - start) / 1000;
    /** @type {[number, number][]} */
    const events = [];
    for (const r of ends) {
      events.push([Date.parse(r.startedAt), 1], [Date.parse(r.finishedAt), -1]);
    }
    events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let atOnce = 0;
    let maxAtOnce = 0;
    for (const [, d] of events) maxAtOnce = Math.max(maxAtOnce, (atOnce += d));
    const succeeded = ends.filter((r) => r.state === 'succeeded').length;
    const syncStats = (
      /** @type {{ latencies: number[], missing: number, probes: number }} */ s
    ) => ({
      probes: s.probes,
      deliveries: s.latencies.length,
      missing: s.missing,
      p50: quantile(s.latencies, 0.5),
      p99: quantile(s.latencies, 0.99),
      max: s.latencies.length ? Math.max(...s.latencies) : NaN
    });
    const limit = 4;
    const r = {
      runs: o.runs,
      succeeded,
      failed: o.runs - succeeded,
      postedMs: posted,
      totalS,
      seenEndS: (seenEnd - start) / 1000,
      runsPerSec: o.runs / totalS,
      // the node's limit at once, each run only its 0.2 s sleep
      idealRunsPerSec: limit / 0.2,
      maxAtOnce,
      sync: { idle: syncStats(idle), busy: syncStats(busy) },
      cpu: c
    };
    log(
      `  ${succeeded}/${o.runs} runs succeeded in ${fmt(totalS)} s from the first POST to the last ` +
        `end (all posted in ${fmt(posted)} ms): ${fmt(r.runsPerSec)} runs/s, at most ${maxAtOnce} ` +
        `at once (server's startedAt/finishedAt)`
    );
    for (const [name, s] of [
      ['board sync without jobs', r.sync.idle],
      ['board sync while jobs run', r.sync.busy]
    ])
      log(
        `  ${name}: p50 ${fmt(s.p50)} / p99 ${fmt(s.p99)} / max ${fmt(s.max)} ms ` +
          `(${int(s.deliveries)} deliveries of ${int(s.probes)} probes, ${int(s.missing)} missing)`
      );
    log(`  ${cpuLine(c)}`);
    return r;
  } finally {
    closeProbeClients(board);
  }
}
