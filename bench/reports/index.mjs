// Reports page benchmark (issue 16): the reports page drawn for a year of data in real Chromium,
// against the production app (build/server/main.js on 127.0.0.1, SQLite).
//   seed:  a year of records written straight into the app's SQLite file after it migrated it
//          (incidents with their acknowledge/resolve events, archived done tasks, changes,
//          automation runs), spread evenly over the 365 days before now; bounded by the flags.
//          The API cannot backdate events, so the rows are written as the records layer keeps
//          them (the same shapes as tests/records/reports-kpis-scale.test.ts).
//   draw:  /w/bench/reports?range=1y in a fresh browser context each run (no HTTP cache),
//          signed in; the figure is the page's `performance.mark('reports:charts-rendered')`
//          (every chart drawn), whose startTime counts from navigation start.
// Target: < 1 s (median of the runs).
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CHROMIUM, launch, signInState } from '../board/browser.mjs';
import { ADMIN_ENTRY, MAIN_ENTRY, freshStore } from '../backends.mjs';
import { readFlags, wholeNumber } from '../flags.mjs';
import { finishRun, log, noteCollector, outputFlags, startRun } from '../run-frame.mjs';
import { provisionWorkspace, WORKSPACE } from '../sync/provision.mjs';
import { fmt, int, table } from '../sync/report.mjs';
import { startServer, stopServer } from '../sync/servers.mjs';
import { quantile } from '../sync/stats.mjs';

/** The target of issue 16 for the page. */
export const TARGETS = { drawnMs: 1000 };

const DAY = 86_400_000;
const MAX_ROWS = 50_000;

const USAGE = `Usage: node bench/run.mjs reports [flags]

The reports page (/w/<ws>/reports, a one-year range) in Chromium (${CHROMIUM}) over a year of
records: navigation start → every chart drawn (performance mark), target < ${TARGETS.drawnMs} ms.

  --reports-incidents=N   incidents over the year, each acknowledged and resolved (default 3000)
  --reports-tasks=N       archived done tasks (default 6000)
  --reports-changes=N     finished changes (default 800)
  --reports-runs=N        finished automation runs (default 4000)
  --reports-runs-page=N   page loads measured, each in a fresh context (default 5)
  --reports-verbose       echo the server's output
  --out=DIR               results directory (default bench/results)
  --strict                exit 1 when the target FAILs`;

/** @param {string[]} argv */
export function parseReportsArgs(argv) {
  const a = readFlags(
    argv,
    [
      'reports-incidents',
      'reports-tasks',
      'reports-changes',
      'reports-runs',
      'reports-runs-page',
      'reports-verbose',
      'out',
      'strict',
      'help'
    ],
    USAGE
  );
  const counts = {
    incidents: wholeNumber(a, 'reports-incidents', 3000),
    tasks: wholeNumber(a, 'reports-tasks', 6000),
    changes: wholeNumber(a, 'reports-changes', 800),
    runs: wholeNumber(a, 'reports-runs', 4000)
  };
  for (const [name, n] of Object.entries(counts))
    if (n > MAX_ROWS) throw new Error(`--reports-${name} must be at most ${MAX_ROWS}`);
  const loads = wholeNumber(a, 'reports-runs-page', 5);
  if (loads < 1 || loads > 50) throw new Error('--reports-runs-page must be 1..50');
  return { help: !!a.help, ...counts, loads, verbose: !!a['reports-verbose'], ...outputFlags(a) };
}

/**
 * Writes a year of records of workspace `bench` into the app's SQLite file, in one transaction.
 * @param {string} file
 * @param {ReturnType<typeof parseReportsArgs>} o
 * @param {string} userId
 */
function seedYear(file, o, userId) {
  const db = new Database(file);
  db.pragma('busy_timeout = 10000');
  const now = Date.now();
  const start = now - 365 * DAY;
  const at = (/** @type {number} */ ms) => new Date(ms).toISOString();
  const spread = (/** @type {number} */ i, /** @type {number} */ n) =>
    start + Math.floor(((i + 0.5) * 365 * DAY) / n);
  const insert = (/** @type {string} */ table, /** @type {Record<string, unknown>} */ row) => {
    const keys = Object.keys(row);
    return db.prepare(
      `INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map((k) => `@${k}`).join(', ')})`
    );
  };
  const t0 = performance.now();
  db.transaction(() => {
    /** @type {import('better-sqlite3').Statement | null} */
    let stmt = null;
    /** @type {import('better-sqlite3').Statement | null} */
    let event = null;
    for (let i = 0; i < o.incidents; i++) {
      const opened = spread(i, o.incidents);
      // Acknowledged after 1–30 min, resolved after 20 min – 8 h: varied, so MTTA/MTTR move.
      const acked = opened + (60 + ((i * 7919) % 1740)) * 1000;
      const resolved = opened + (1200 + ((i * 104_729) % 27_600)) * 1000;
      const row = {
        id: `inc-${i}`,
        workspace_id: WORKSPACE,
        integration_id: 'bench',
        dedupe_key: `inc-${i}`,
        title: `Bench incident ${i}`,
        severity: ['critical', 'high', 'warning', 'info'][i % 4],
        state: 'resolved',
        labels: JSON.stringify({ service: ['mysql', 'api', 'web'][i % 3] }),
        annotations: '{}',
        opened_at: at(opened),
        acknowledged_at: at(acked),
        acknowledged_by: userId,
        resolved_at: at(resolved),
        resolved_by: userId,
        closed_at: null,
        closed_by: null,
        alerts_cleared_at: null,
        reopen_count: 0,
        flapping: 0,
        board_state: 'resolved',
        task_key: null,
        updated_at: at(resolved),
        routed_channels: null,
        assignee: null,
        escalation_policy_id: null
      };
      stmt ??= insert('incidents', row);
      stmt.run(row);
      for (const [type, when] of /** @type {const} */ ([
        ['acknowledged', acked],
        ['resolved', resolved]
      ])) {
        const e = {
          workspace_id: WORKSPACE,
          incident_id: row.id,
          at: at(when),
          type,
          actor: userId,
          data: '{}'
        };
        event ??= insert('incident_events', e);
        event.run(e);
      }
    }
    stmt = null;
    for (let i = 0; i < o.tasks; i++) {
      const done = spread(i, o.tasks);
      const started = done - (1 + (i % 72)) * 3_600_000;
      const row = {
        workspace_id: WORKSPACE,
        task_id: `task-${i}`,
        task_key: null,
        title: `Bench task ${i}`,
        kind: 'task',
        status: 'done',
        assignee: null,
        labels: '[]',
        finished_at: at(done),
        archived_at: at(done),
        updated_at: at(done),
        card: JSON.stringify({
          id: `task-${i}`,
          kind: 'task',
          title: `Bench task ${i}`,
          startedAt: at(started),
          doneAt: at(done)
        }),
        item_client: null,
        item_clock: null,
        item_ids: '[]',
        search_text: `bench task ${i}`
      };
      stmt ??= insert('archived_tasks', row);
      stmt.run(row);
    }
    stmt = null;
    for (let i = 0; i < o.changes; i++) {
      const finished = spread(i, o.changes);
      const state = i % 10 === 0 ? 'failed' : i % 17 === 0 ? 'rolled_back' : 'completed';
      const row = {
        id: `chg-${i}`,
        workspace_id: WORKSPACE,
        task_key: null,
        title: `Bench change ${i}`,
        type: 'normal',
        state,
        risk: 'low',
        impact: '',
        window_start: at(finished - 3_600_000),
        window_end: at(finished),
        time_zone: 'UTC',
        requester_id: userId,
        approvers: '[]',
        board_state: state,
        created_at: at(finished - 2 * DAY),
        updated_at: at(finished),
        submitted_at: at(finished - DAY),
        approved_at: at(finished - 12 * 3_600_000),
        started_at: at(finished - 3_600_000),
        finished_at: at(finished)
      };
      stmt ??= insert('changes', row);
      stmt.run(row);
    }
    // Every fifth incident caused by a change.
    stmt = null;
    for (let i = 0; i < Math.min(o.incidents, o.changes); i += 5) {
      const row = {
        incident_id: `inc-${i}`,
        change_id: `chg-${i}`,
        marked_by: userId,
        at: at(now - DAY)
      };
      stmt ??= insert('incident_change_causes', row);
      stmt.run(row);
    }
    stmt = null;
    for (let i = 0; i < o.runs; i++) {
      const finished = spread(i, o.runs);
      const row = {
        id: `run-${i}`,
        workspace_id: WORKSPACE,
        job_id: 'bench-job',
        job_name: 'bench job',
        kind: 'shell',
        state: i % 9 === 0 ? 'failed' : 'succeeded',
        origin: 'manual',
        purpose: null,
        check_mode: 0,
        parameters: '{}',
        spec: '{}',
        max_concurrent: 1,
        requested_by: userId,
        task_id: null,
        change_id: null,
        incident_id: null,
        runbook_id: null,
        runbook_block: null,
        gate: null,
        runner_id: null,
        claimed_by: null,
        exit_code: i % 9 === 0 ? 1 : 0,
        reason: null,
        summary: null,
        log_bytes: 0,
        log_truncated: 0,
        created_at: at(finished - 5000),
        started_at: at(finished - 4000),
        finished_at: at(finished),
        heartbeat_at: null,
        cancel_requested: 0
      };
      stmt ??= insert('automation_runs', row);
      stmt.run(row);
    }
  })();
  db.close();
  return performance.now() - t0;
}

/**
 * One page load in a fresh context: navigation start → the page's charts-rendered mark.
 * @param {import('@playwright/test').Browser} browser
 * @param {string} baseURL
 * @param {any} storageState
 */
async function drawOnce(browser, baseURL, storageState) {
  const context = await browser.newContext({ baseURL, storageState, timezoneId: 'UTC' });
  try {
    const page = await context.newPage();
    await page.goto(`/w/${WORKSPACE}/reports?range=1y`, { waitUntil: 'commit' });
    await page.waitForFunction(
      () => performance.getEntriesByName('reports:charts-rendered').length > 0,
      null,
      { timeout: 30_000 }
    );
    return await page.evaluate(() => {
      const mark = performance.getEntriesByName('reports:charts-rendered')[0];
      const fetched = performance.getEntriesByName('reports:fetch-start')[0];
      const api = performance
        .getEntriesByType('resource')
        .find((entry) => entry.name.includes('/reports/kpis'));
      return {
        drawnMs: mark?.startTime ?? NaN,
        fetchStartMs: fetched?.startTime ?? NaN,
        apiMs: api ? api.responseEnd - api.startTime : NaN,
        apiEndMs: api ? api.responseEnd : NaN,
        charts: document.querySelectorAll('[data-testid="report-chart-canvas"]').length,
        buckets: document.querySelectorAll('[data-testid="chart-flow"] svg path').length
      };
    });
  } finally {
    await context.close();
  }
}

/** @param {string[]} argv */
export async function runReportsBench(argv) {
  const begun = await startRun({
    title: 'reports page benchmark (a year of data, real Chromium)',
    kind: 'reports',
    argv,
    parse: parseReportsArgs,
    usage: USAGE,
    entries: () => [MAIN_ENTRY, ADMIN_ENTRY]
  });
  if ('exit' in begun) return begun.exit;
  const { o } = begun;
  const { notes, note } = noteCollector();
  note(
    'SQLite only: the page figure is the browser drawing; the KPI cost per backend is in tests/records/reports-kpis-scale.test.ts'
  );
  const store = await freshStore('sqlite', 'reports');
  /** @type {import('../sync/servers.mjs').ServerHandle | null} */
  let server = null;
  /** @type {import('@playwright/test').Browser | null} */
  let browser = null;
  /** @type {Record<string, any>} */
  const results = {};
  try {
    const accounts = await provisionWorkspace(ADMIN_ENTRY, store.dataDir, {
      users: [{ email: 'reports@example.com', name: 'Reports bench owner' }],
      workspaceName: 'Reports bench',
      tokens: 0,
      tokenName: 'reports-bench'
    });
    server = await startServer('ours', {
      entry: MAIN_ENTRY,
      dataDir: store.dataDir,
      verbose: o.verbose,
      timeoutMs: 30_000
    });
    const baseURL = `http://127.0.0.1:${server.port}`;
    log(`  app on ${baseURL} (pid ${server.pid}, ready in ${fmt(server.startMs)} ms)`);
    const seedMs = seedYear(
      join(store.dataDir, 'runboard.sqlite'),
      o,
      /** @type {string} */ (accounts.ids[0])
    );
    log(
      `  seeded a year: ${int(o.incidents)} incidents, ${int(o.tasks)} done tasks, ` +
        `${int(o.changes)} changes, ${int(o.runs)} runs in ${fmt(seedMs)} ms`
    );
    browser = await launch();
    const storageState = await signInState(baseURL, accounts.email, accounts.password);
    // One unmeasured load: the server's first report and the app's chunks from disk.
    await drawOnce(browser, baseURL, storageState);
    /** @type {any[]} */
    const runs = [];
    for (let i = 0; i < o.loads; i++) {
      const m = await drawOnce(browser, baseURL, storageState);
      runs.push(m);
      log(
        `    load ${i + 1}: charts drawn ${fmt(m.drawnMs)} ms after navigation start ` +
          `(report asked at ${fmt(m.fetchStartMs)} ms, API ${fmt(m.apiMs)} ms, charts drawn ` +
          `${fmt(m.drawnMs - m.apiEndMs)} ms after its answer; ${m.charts} charts)`
      );
    }
    const drawn = runs.map((r) => r.drawnMs);
    results.sqlite = {
      runs,
      drawnMs: { p50: quantile(drawn, 0.5), max: Math.max(...drawn), n: drawn.length },
      apiMs: {
        p50: quantile(
          runs.map((r) => r.apiMs),
          0.5
        )
      },
      afterApiMs: {
        p50: quantile(
          runs.map((r) => r.drawnMs - r.apiEndMs),
          0.5
        )
      },
      seeded: { incidents: o.incidents, tasks: o.tasks, changes: o.changes, runs: o.runs }
    };
  } catch (err) {
    const msg = String(/** @type {Error} */ (err)?.stack ?? err);
    results.error = msg;
    log(`  ERROR: ${msg.split('\n').slice(0, 8).join('\n  ')}`);
  } finally {
    await browser?.close();
    if (server) await stopServer(server);
    await store.remove();
  }

  log('');
  log('== Summary');
  /** @type {{ name: string, status: 'PASS' | 'FAIL', detail: string }[]} */
  const targets = [];
  const r = results.sqlite;
  if (!r) {
    targets.push({ name: 'reports page: the run', status: 'FAIL', detail: 'error' });
  } else {
    const ok = r.drawnMs.p50 < TARGETS.drawnMs;
    log(
      table(
        ['figure', 'value', 'target', 'status'],
        [
          [
            'reports page, 1 year: navigation → charts drawn, median',
            `${fmt(r.drawnMs.p50)} ms`,
            `< ${TARGETS.drawnMs} ms`,
            ok ? 'PASS' : 'FAIL'
          ],
          ['  of which GET reports/kpis, median', `${fmt(r.apiMs.p50)} ms`, '-', 'info'],
          ['  answer → charts drawn, median', `${fmt(r.afterApiMs.p50)} ms`, '-', 'info']
        ]
      )
    );
    targets.push({
      name: `reports page drawn for a year of data < ${TARGETS.drawnMs} ms`,
      status: ok ? 'PASS' : 'FAIL',
      detail: `median ${fmt(r.drawnMs.p50)} ms, max ${fmt(r.drawnMs.max)} ms over ${r.drawnMs.n} loads`
    });
  }
  log('');
  for (const t of targets) log(`  ${t.status}  ${t.name} (${t.detail})`);
  return finishRun({ ...begun, results, targets, extra: { notes, targetsWanted: TARGETS } });
}
