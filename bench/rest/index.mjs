// REST benchmark: task creation throughput over `POST /api/v1/workspaces/{ws}/tasks` with an API
// token, against the production app (build/server/main.js on 127.0.0.1, a free port) on SQLite
// and on PostgreSQL, in the same run: N concurrent keep-alive clients for a fixed window.
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { readFlags, wholeNumber } from '../flags.mjs';
import { finishRun, log, noteCollector, outputFlags, startRun } from '../run-frame.mjs';
import {
  ADMIN_ENTRY,
  MAIN_ENTRY,
  availableBackends,
  backendList,
  freshStore
} from '../backends.mjs';
import { backendPids, dropAllBenchDatabases } from '../pg.mjs';
import { cpuMark, cpuPercent, RssSampler, sleep, systemBusyPercent } from '../sync/proc.mjs';
import { provisionWorkspace, WORKSPACE } from '../sync/provision.mjs';
import { fmt, fmtRatio, int, mb, pct, ratio, table } from '../sync/report.mjs';
import { startServer, stopServer } from '../sync/servers.mjs';
import { quantile } from '../sync/stats.mjs';
import { waitQuiet } from '../sync/index.mjs';

const USAGE = `Usage: node bench/run.mjs rest [flags]

Task creation over REST (POST /api/v1/workspaces/bench/tasks, API token) against the production
app (build/server/main.js on 127.0.0.1) on SQLite and on PostgreSQL, one after the other.

  --rest-backends=sqlite,postgres  stores to measure (default both; PostgreSQL when reachable at
                                   RUNBOARD_BENCH_PG_ADMIN_URL, default
                                   postgres://postgres@127.0.0.1:5432/postgres)
  --rest-clients=N                 concurrent clients, one keep-alive connection each (default 8)
  --rest-duration=S                measured window (default 10)
  --rest-warmup=S                  requests before the window, not counted (default 2)
  --rest-wait-quiet[=S]            before each backend wait up to S s (default 60) for other
                                   processes to use < 30% CPU
  --rest-verbose                   echo the server's output
  --out=DIR                        results directory (default bench/results)
  --strict                         exit 1 when a backend fails (errors or no requests)`;

/** @param {string[]} argv */
export function parseRestArgs(argv) {
  const a = readFlags(
    argv,
    [
      'rest-backends',
      'rest-clients',
      'rest-duration',
      'rest-warmup',
      'rest-wait-quiet',
      'rest-verbose',
      'out',
      'strict',
      'help'
    ],
    USAGE
  );
  const clients = wholeNumber(a, 'rest-clients', 8);
  if (clients < 1 || clients > 256) throw new Error('--rest-clients must be 1..256');
  const duration = wholeNumber(a, 'rest-duration', 10);
  if (duration < 1 || duration > 600) throw new Error('--rest-duration must be 1..600 s');
  const warmup = wholeNumber(a, 'rest-warmup', 2);
  if (warmup > 60) throw new Error('--rest-warmup must be at most 60 s');
  return {
    help: !!a.help,
    backends: backendList(a, 'rest-backends'),
    clients,
    durationMs: duration * 1000,
    warmupMs: warmup * 1000,
    waitQuietMs:
      a['rest-wait-quiet'] === undefined ? 0 : wholeNumber(a, 'rest-wait-quiet', 60) * 1000,
    verbose: !!a['rest-verbose'],
    ...outputFlags(a)
  };
}

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function runRestBench(argv) {
  const begun = await startRun({
    title: 'REST benchmark (task creation, SQLite vs PostgreSQL)',
    kind: 'rest',
    argv,
    parse: parseRestArgs,
    usage: USAGE,
    entries: () => [MAIN_ENTRY, ADMIN_ENTRY]
  });
  if ('exit' in begun) return begun.exit;
  const { o } = begun;
  const { notes, note } = noteCollector();
  const { backends, postgres } = await availableBackends(o.backends, note);
  if (postgres) log(`PostgreSQL: ${postgres} (a fresh database per backend run, dropped after)`);
  log(
    `${o.clients} clients, ${o.durationMs / 1000} s measured after ${o.warmupMs / 1000} s warm-up, ` +
      `backends: ${backends.join(', ') || '(none)'}`
  );

  /** @type {Record<string, any>} */
  const results = {};
  try {
    for (const backend of backends) {
      log('');
      log(`== ${backend === 'sqlite' ? 'SQLite (DATA_DIR)' : 'PostgreSQL (DATABASE_URL)'}`);
      if (o.waitQuietMs) {
        const q = await waitQuiet(o.waitQuietMs);
        if (!q.quiet) log(`  ! machine still busy (${pct(q.busy)} CPU); running anyway`);
        else if (q.waitedMs > 1500)
          log(`  (waited ${fmt(q.waitedMs / 1000)} s for a quiet machine)`);
      }
      try {
        results[backend] = await measureBackend(backend, o);
        printBackend(results[backend]);
      } catch (err) {
        const msg = String(/** @type {Error} */ (err)?.stack ?? err);
        results[backend] = { error: msg };
        log(`  ERROR: ${msg.split('\n').slice(0, 6).join('\n  ')}`);
      }
    }
  } finally {
    await dropAllBenchDatabases();
  }

  const s = results.sqlite;
  const p = results.postgres;
  /** @type {Record<string, number>} */
  let ratios = {};
  log('');
  log('== Summary');
  /** @type {(string | number)[][]} */
  const rows = [];
  for (const b of backends) {
    const r = results[b];
    if (!r || r.error) {
      rows.push([b, 'error', '', '', '', '', '', '']);
      continue;
    }
    rows.push([
      b,
      fmt(r.tasksPerSec),
      fmt(r.latency.p50),
      fmt(r.latency.p99),
      fmt(r.latency.max),
      `${int(r.ok)} / ${int(r.errors)}`,
      pct(r.serverCpu) + (r.pgCpu !== null ? ` + pg ${pct(r.pgCpu)}` : ''),
      pct(r.otherCpu)
    ]);
  }
  if (s && p && !s.error && !p.error) {
    ratios = {
      tasksPerSec: ratio(p.tasksPerSec, s.tasksPerSec),
      p50: ratio(p.latency.p50, s.latency.p50),
      p99: ratio(p.latency.p99, s.latency.p99)
    };
    rows.push([
      'pg/sqlite',
      fmtRatio(ratios.tasksPerSec),
      fmtRatio(ratios.p50),
      fmtRatio(ratios.p99),
      '',
      '',
      '',
      ''
    ]);
  }
  log(
    table(
      ['backend', 'tasks/s', 'p50 ms', 'p99 ms', 'max ms', 'ok / errors', 'CPU app (+pg)', 'other'],
      rows
    )
  );
  const failed = backends.filter((b) => {
    const r = results[b];
    return !r || r.error || r.ok === 0 || r.errors > 0;
  });
  return finishRun({
    ...begun,
    results,
    targets: failed.map((b) => ({ name: `${b} ran without errors`, status: 'FAIL' })),
    extra: { notes, postgres, ratios }
  });
}

/**
 * One backend: a fresh store with an owner and an API token (admin CLI), the app on it, the
 * load, then everything removed.
 * @param {import('../backends.mjs').Backend} backend
 * @param {ReturnType<typeof parseRestArgs>} o
 */
async function measureBackend(backend, o) {
  const store = await freshStore(backend, 'rest');
  /** @type {import('../sync/servers.mjs').ServerHandle | null} */
  let server = null;
  const agent = new Agent({ keepAlive: true, maxSockets: o.clients });
  try {
    const t0 = performance.now();
    const { tokens } = await provisionWorkspace(ADMIN_ENTRY, store.dataDir, {
      users: [{ email: 'rest0@example.com', name: 'REST bench' }],
      workspaceName: 'REST bench',
      tokens: 1,
      tokenName: 'rest-bench',
      ...(store.databaseUrl ? { databaseUrl: store.databaseUrl } : {})
    });
    const token = /** @type {string} */ (tokens[0]);
    log(
      `  owner and API token made with the admin CLI in ${fmt((performance.now() - t0) / 1000)} s`
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
    const post = (/** @type {number} */ n) =>
      createTask(agent, port, token, { title: `REST bench task ${n}`, priority: 'medium' });
    // the board document is loaded by the first request: one before the clock starts
    const first = await post(0);
    if (first.status !== 201)
      throw new Error(`POST /tasks answered ${first.status}: ${first.body.slice(0, 300)}`);

    const warmEnd = performance.now() + o.warmupMs;
    const end = warmEnd + o.durationMs;
    /** @type {number[]} */
    const lat = [];
    let ok = 0;
    let errors = 0;
    let warm = 0;
    /** @type {string[]} */
    const errorSamples = [];
    let seq = 1;
    /** @type {ReturnType<typeof cpuMark> | null} */
    let m0 = null;
    /** @type {number[]} */
    let pgPids = [];
    const rss = new RssSampler(server.pid);
    const client = async () => {
      // bounded: each iteration is one request, and none starts after `end`
      while (performance.now() < end) {
        const sent = performance.now();
        const res = await post(seq++);
        const done = performance.now();
        if (sent < warmEnd) {
          warm++;
          continue;
        }
        if (res.status === 201) {
          ok++;
          lat.push(done - sent);
        } else {
          errors++;
          if (errorSamples.length < 3) errorSamples.push(`${res.status} ${res.body.slice(0, 200)}`);
        }
      }
    };
    const clientsP = Promise.all(Array.from({ length: o.clients }, client));
    await sleep(Math.max(0, warmEnd - performance.now()));
    if (store.db) pgPids = await backendPids(store.db.name).catch(() => []);
    const c0 = process.cpuUsage();
    m0 = cpuMark([server.pid, ...pgPids]);
    await sleep(Math.max(0, end - performance.now()));
    const m1 = cpuMark([server.pid, ...pgPids]);
    const c1 = process.cpuUsage(c0);
    await clientsP;
    const rssR = rss.stop();
    const windowS = (m1.t - m0.t) / 1000;
    const cpu = cpuPercent(m0, m1);
    const busy = systemBusyPercent(m0, m1);
    const serverCpu = cpu[0] ?? NaN;
    const pgCpu = store.db ? cpu.slice(1).reduce((x, y) => x + y, 0) : null;
    const clientCpu = ((c1.user + c1.system) / 1000 / (windowS * 1000)) * 100;
    return {
      backend,
      clients: o.clients,
      windowS,
      warmupRequests: warm,
      ok,
      errors,
      errorSamples,
      tasksPerSec: ok / (o.durationMs / 1000),
      latency: {
        p50: quantile(lat, 0.5),
        p90: quantile(lat, 0.9),
        p99: quantile(lat, 0.99),
        max: lat.length ? Math.max(...lat) : NaN,
        count: lat.length
      },
      serverCpu,
      pgBackends: pgPids.length,
      pgCpu,
      clientCpu,
      otherCpu: busy - serverCpu - (pgCpu ?? 0) - clientCpu,
      serverRssPeakKb: rssR.peakKb,
      serverRssEndKb: rssR.endKb,
      startMs: server.startMs
    };
  } finally {
    agent.destroy();
    if (server) await stopServer(server);
    await store.remove();
  }
}

/**
 * One POST over the keep-alive agent (127.0.0.1 only, 30 s timeout).
 * @param {Agent} agent
 * @param {number} port
 * @param {string} token
 * @param {Record<string, unknown>} body
 * @returns {Promise<{ status: number, body: string }>}
 */
function createTask(agent, port, token, body) {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v1/workspaces/${WORKSPACE}/tasks`,
        agent,
        timeout: 30_000,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': data.length
        }
      },
      (res) => {
        const chunks = /** @type {Buffer[]} */ ([]);
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
        );
        res.on('error', (e) => resolve({ status: 0, body: String(e) }));
      }
    );
    req.on('timeout', () => req.destroy(new Error('timeout after 30 s')));
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.end(data);
  });
}

/** @param {any} r */
function printBackend(r) {
  log(
    `  ${fmt(r.tasksPerSec)} tasks/s with ${r.clients} clients: latency p50 ${fmt(r.latency.p50)} / ` +
      `p90 ${fmt(r.latency.p90)} / p99 ${fmt(r.latency.p99)} / max ${fmt(r.latency.max)} ms ` +
      `(${int(r.ok)} created, ${int(r.errors)} errors, ${int(r.warmupRequests)} in the warm-up)`
  );
  log(
    `  CPU: app ${pct(r.serverCpu)}` +
      (r.pgCpu !== null ? `, PostgreSQL backends ${pct(r.pgCpu)} (${r.pgBackends})` : '') +
      `, clients ${pct(r.clientCpu)}, other ${pct(r.otherCpu)} (100% = one core of ${cpus().length}); ` +
      `app RSS peak ${mb(r.serverRssPeakKb)} MB`
  );
  if (r.errors) log(`  ! errors, e.g. ${r.errorSamples.join(' | ')}`);
  if (r.otherCpu > 20)
    log(`  ! other processes used ${pct(r.otherCpu)} CPU during the window: results are disturbed`);
}
