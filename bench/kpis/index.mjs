// KPI benchmark (`node bench/run.mjs kpis`, issue 16):
//   compute: the reports service's `kpis` over a year of one workspace with 100,000 tasks and
//            1,000,000 alert occurrences (plus incidents, their events, changes and automation
//            runs), on SQLite and on PostgreSQL. The year is written into the real tables with
//            bulk INSERT … SELECT (bench/kpis/kpis-data.ts, bundled from source by esbuild);
//            the service is this checkout's own code, called in this process as the API calls it.
//   scrape:  GET /metrics of the production app (build/server/main.js on 127.0.0.1, port 0)
//            with 50 workspaces, each with its full set of series (every workspace's counters,
//            enum values and histogram buckets exist from the start) and a year of incidents
//            that the scrape's open-incident count reads; 50 scrapes one after another.
import { Agent, request } from 'node:http';
import { bundleEntryFromSource } from '../../scripts/entry-build-options.mjs';
import { readFlags, scenarioList, wholeNumber } from '../flags.mjs';
import { finishRun, log, noteCollector, outputFlags, startRun } from '../run-frame.mjs';
import { MAIN_ENTRY, availableBackends, backendList, freshStore } from '../backends.mjs';
import { dropAllBenchDatabases } from '../pg.mjs';
import { fmt, fmtRatio, int, ratio, table } from '../sync/report.mjs';
import { startServer, stopServer } from '../sync/servers.mjs';
import { quantile } from '../sync/stats.mjs';

/** The targets of issue 16. */
export const TARGETS = { kpisMs: 1000, scrapeMs: 100 };

const SCENARIOS = ['compute', 'scrape'];
const WORKSPACE = 'kpis';

const USAGE = `Usage: node bench/run.mjs kpis [flags]

The KPI computation over a year (the reports service's kpis) with 100,000 tasks and 1,000,000
alert occurrences, and GET /metrics of the production app with 50 workspaces.

  --kpis-only=compute,scrape       scenarios (default both)
  --kpis-backends=sqlite,postgres  stores (default both; postgres when reachable)
  --kpis-tasks=N                   tasks of the year (default 100000)
  --kpis-occurrences=N             alert occurrences (default 1000000)
  --kpis-incidents=N               incidents the occurrences belong to (default 20000)
  --kpis-changes=N                 finished changes (default 3000)
  --kpis-runs=N                    automation runs (default 20000)
  --kpis-times=N                   timed kpis calls after one warm-up (default 5)
  --kpis-workspaces=N              workspaces of the scrape (default 50)
  --kpis-scrapes=N                 scrapes, one after another (default 50)
  --kpis-verbose                   echo the server's output
  --out=DIR                        results directory (default bench/results)
  --strict                         exit 1 when a target FAILs`;

/** @param {string[]} argv */
export function parseKpisArgs(argv) {
  const a = readFlags(
    argv,
    [
      'kpis-only',
      'kpis-backends',
      'kpis-tasks',
      'kpis-occurrences',
      'kpis-incidents',
      'kpis-changes',
      'kpis-runs',
      'kpis-times',
      'kpis-workspaces',
      'kpis-scrapes',
      'kpis-verbose',
      'out',
      'strict',
      'help'
    ],
    USAGE
  );
  /** @param {string} name @param {number} fallback @param {number} min @param {number} max */
  const bounded = (name, fallback, min, max) => {
    const n = wholeNumber(a, name, fallback);
    if (n < min || n > max) throw new Error(`--${name} must be ${min}..${max}`);
    return n;
  };
  return {
    help: !!a.help,
    only: scenarioList(a, 'kpis-only', SCENARIOS),
    backends: backendList(a, 'kpis-backends'),
    tasks: bounded('kpis-tasks', 100_000, 1, 2_000_000),
    occurrences: bounded('kpis-occurrences', 1_000_000, 1, 10_000_000),
    incidents: bounded('kpis-incidents', 20_000, 1, 1_000_000),
    changes: bounded('kpis-changes', 3_000, 1, 1_000_000),
    runs: bounded('kpis-runs', 20_000, 1, 1_000_000),
    times: bounded('kpis-times', 5, 1, 50),
    workspaces: bounded('kpis-workspaces', 50, 1, 500),
    scrapes: bounded('kpis-scrapes', 50, 1, 1000),
    verbose: !!a['kpis-verbose'],
    ...outputFlags(a)
  };
}

/** @param {number[]} xs */
const dist = (xs) => ({
  n: xs.length,
  p50: quantile(xs, 0.5),
  p95: quantile(xs, 0.95),
  max: xs.length ? Math.max(...xs) : NaN
});

/**
 * GET /metrics; resolves with the status, the time to the last byte and the body.
 * @param {Agent} agent
 * @param {number} port
 * @returns {Promise<{ status: number, ms: number, body: string }>}
 */
function scrape(agent, port) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      { host: '127.0.0.1', port, path: '/metrics', agent, headers: { accept: 'text/plain' } },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - t0,
            body: Buffer.concat(chunks).toString('utf8')
          })
        );
        res.on('error', reject);
      }
    );
    req.setTimeout(30_000, () => req.destroy(new Error('GET /metrics timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A few requests so the HTTP series a running app has exist too (routes, statuses).
 * @param {number} port
 */
async function warmRoutes(port) {
  const base = `http://127.0.0.1:${port}`;
  const paths = ['/healthz', '/readyz', '/login', '/api/v1/workspaces', '/api/v1/openapi.json'];
  for (let k = 0; k < 3; k++) {
    for (const path of paths) await (await fetch(`${base}${path}`)).arrayBuffer();
    for (let w = 0; w < 5; w++) {
      await (await fetch(`${base}/api/v1/workspaces/ws-0${w}/tasks`)).arrayBuffer();
    }
  }
}

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function runKpisBench(argv) {
  const begun = await startRun({
    title: 'KPI benchmark (kpis over a year; GET /metrics with many workspaces)',
    kind: 'kpis',
    argv,
    parse: parseKpisArgs,
    usage: USAGE,
    entries: (o) => (o.only.includes('scrape') ? [MAIN_ENTRY] : [])
  });
  if ('exit' in begun) return begun.exit;
  const { o } = begun;
  const { notes, note } = noteCollector();
  const { backends, postgres } = await availableBackends(o.backends, note);
  if (postgres) log(`PostgreSQL: ${postgres} (a fresh database per scenario, dropped after)`);
  const bundle = await bundleEntryFromSource('bench/kpis/kpis-data.ts');
  if (!bundle) throw new Error('esbuild is needed to bundle bench/kpis/kpis-data.ts');
  const lib = await import(bundle);
  const nowS = Math.floor(Date.now() / 1000);
  log(
    `scenarios: ${o.only.join(', ')}; a year with ${int(o.tasks)} tasks, ${int(o.occurrences)} ` +
      `alert occurrences, ${int(o.incidents)} incidents, ${int(o.changes)} changes, ` +
      `${int(o.runs)} runs; ${o.workspaces} workspaces × ${o.scrapes} scrapes; ` +
      `backends: ${backends.join(', ') || '(none)'}`
  );

  /** @type {Record<string, any>} */
  const results = {};
  try {
    for (const backend of backends) {
      log('');
      log(`== ${backend === 'sqlite' ? 'SQLite (DATA_DIR)' : 'PostgreSQL (DATABASE_URL)'}`);
      /** @type {Record<string, any>} */
      const r = {};
      results[backend] = r;
      for (const scenario of o.only) {
        const store = await freshStore(backend, 'kpis');
        const target = store.databaseUrl
          ? { databaseUrl: store.databaseUrl }
          : { dataDir: store.dataDir };
        try {
          if (scenario === 'compute') {
            const seed = await lib.seedKpiYear({
              target,
              workspaceId: WORKSPACE,
              tasks: o.tasks,
              occurrences: o.occurrences,
              incidents: o.incidents,
              changes: o.changes,
              runs: o.runs,
              nowS
            });
            log(
              `  seeded in ${fmt(seed.seedMs / 1000)} s: ` +
                Object.entries(seed.rows)
                  .map(([t, n]) => `${t} ${int(/** @type {number} */ (n))}`)
                  .join(', ')
            );
            const timing = await lib.timeKpis({
              target,
              workspaceId: WORKSPACE,
              nowS,
              times: o.times
            });
            r.compute = { seed, ...timing, dist: dist(timing.ms) };
            log(
              `  kpis over the year: warm-up ${fmt(timing.warmupMs)} ms, then ` +
                `${timing.ms.map((/** @type {number} */ x) => fmt(x)).join(', ')} ms ` +
                `(${JSON.stringify(timing.figures)})`
            );
          } else {
            const seed = await lib.seedScrapeWorkspaces({
              target,
              workspaces: o.workspaces,
              incidentsEach: 2_000,
              nowS
            });
            /** @type {any} */
            let server = null;
            const agent = new Agent({ keepAlive: true, maxSockets: 1 });
            try {
              server = await startServer(backend === 'postgres' ? 'ours-pg' : 'ours', {
                entry: MAIN_ENTRY,
                dataDir: store.dataDir,
                databaseUrl: store.databaseUrl,
                verbose: o.verbose,
                timeoutMs: 30_000
              });
              await warmRoutes(server.port);
              const first = await scrape(agent, server.port);
              if (first.status !== 200) throw new Error(`GET /metrics answered ${first.status}`);
              const lines = first.body.split('\n');
              const series = lines.filter((l) => l !== '' && !l.startsWith('#')).length;
              const workspaceSeries = lines.filter((l) => l.includes('workspace="ws-')).length;
              const open = lines.filter((l) =>
                /^runboard_incidents_open\{workspace="ws-\d+"\} 3$/.test(l)
              ).length;
              /** @type {number[]} */
              const ms = [];
              for (let k = 0; k < o.scrapes; k++) ms.push((await scrape(agent, server.port)).ms);
              r.scrape = {
                workspaces: seed.ids.length,
                series,
                workspaceSeries,
                bytes: Buffer.byteLength(first.body),
                openLevelsRight: open,
                dist: dist(ms),
                ms
              };
              log(
                `  ${seed.ids.length} workspaces (seeded in ${fmt(seed.seedMs / 1000)} s): ` +
                  `${int(series)} series (${int(workspaceSeries)} per-workspace), ` +
                  `${fmt(r.scrape.bytes / 1024)} KB; incidents_open right in ${open} of them`
              );
              log(
                `  ${o.scrapes} scrapes: p50 ${fmt(r.scrape.dist.p50)} / p95 ` +
                  `${fmt(r.scrape.dist.p95)} / max ${fmt(r.scrape.dist.max)} ms`
              );
            } finally {
              agent.destroy();
              if (server) await stopServer(server);
            }
          }
        } catch (err) {
          const msg = String(/** @type {Error} */ (err)?.stack ?? err);
          r[scenario] = { error: msg };
          log(`  ERROR (${scenario}): ${msg.split('\n').slice(0, 8).join('\n  ')}`);
        } finally {
          await store.remove();
        }
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
  const pass = (/** @type {boolean} */ ok) => (ok ? 'PASS' : 'FAIL');
  for (const [backend, r] of Object.entries(results)) {
    for (const scenario of o.only) {
      const s = r[scenario];
      if (!s || s.error) {
        targets.push({ name: `${backend}: ${scenario}`, status: 'FAIL', detail: 'error' });
        continue;
      }
      if (scenario === 'compute') {
        const d = s.dist;
        rows.push([
          `${backend}: kpis over a year, median`,
          `${fmt(d.p50)} ms`,
          fmtRatio(ratio(d.p50, TARGETS.kpisMs)),
          `< ${TARGETS.kpisMs} ms`,
          pass(d.p50 < TARGETS.kpisMs)
        ]);
        targets.push({
          name: `${backend}: kpis over a year (${int(o.tasks)} tasks, ${int(o.occurrences)} alert occurrences) < ${TARGETS.kpisMs} ms`,
          status: pass(d.p50 < TARGETS.kpisMs),
          detail: `median ${fmt(d.p50)} / max ${fmt(d.max)} ms over ${d.n} calls (warm-up ${fmt(s.warmupMs)} ms)`
        });
      } else {
        const d = s.dist;
        const complete = s.openLevelsRight === s.workspaces;
        rows.push([
          `${backend}: GET /metrics, ${s.workspaces} workspaces, p95`,
          `${fmt(d.p95)} ms`,
          fmtRatio(ratio(d.p95, TARGETS.scrapeMs)),
          `< ${TARGETS.scrapeMs} ms`,
          pass(d.p95 < TARGETS.scrapeMs && complete)
        ]);
        targets.push({
          name: `${backend}: a /metrics scrape with ${s.workspaces} workspaces p95 < ${TARGETS.scrapeMs} ms`,
          status: pass(d.p95 < TARGETS.scrapeMs && complete),
          detail:
            `p50 ${fmt(d.p50)} / p95 ${fmt(d.p95)} / max ${fmt(d.max)} ms over ${d.n} scrapes, ` +
            `${int(s.series)} series` +
            (complete ? '' : `; incidents_open right in only ${s.openLevelsRight} workspaces`)
        });
      }
    }
  }
  log(
    table(['figure', 'value', 'ratio to target', 'target', 'status'], rows) +
      '\n  (ratio: the figure over its target; below 1.00x meets it)'
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
