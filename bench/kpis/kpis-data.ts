/**
 * Data and measurement of the KPI benchmark (issue 16; bench/kpis/index.mjs bundles this file
 * from source with esbuild, packages external). A year of one workspace's history written
 * straight into the real tables with bulk `INSERT … SELECT` over a generated series (SQLite: a
 * recursive CTE, PostgreSQL: generate_series), so 1,000,000 alert occurrences take seconds, not
 * the hours the intake would; then the reports service's own `kpis` over that year, timed. And
 * the 50 workspaces of the /metrics scrape scenario. Values come from a fixed integer hash of the
 * row number, so every run seeds the same data.
 */
import { sql, type Kysely } from 'kysely';
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import { openDatabase, type DatabaseTarget } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import { ReportsService } from '../../src/lib/server/reports/reports-service';
import { ReportsStore } from '../../src/lib/server/reports/reports-store';

const DAY_S = 86_400;
const YEAR_S = 365 * DAY_S;
/** Rows per INSERT statement: well inside PostgreSQL's pool query timeout (30 s). */
const CHUNK_ROWS = 100_000;

export interface KpiSeedOptions {
  target: DatabaseTarget;
  workspaceId: string;
  tasks: number;
  occurrences: number;
  incidents: number;
  changes: number;
  runs: number;
  /** The end of the year (epoch seconds). */
  nowS: number;
}

export interface KpiSeed {
  rows: Record<string, number>;
  seedMs: number;
}

type Dialect = 'sqlite' | 'postgres';

/** SQL fragments that differ between the two databases. */
function fragments(dialect: Dialect) {
  return {
    /** Rows `n.i` = start … start + count − 1 (64-bit). */
    series: (start: number, count: number) =>
      dialect === 'sqlite'
        ? `(WITH RECURSIVE s(i) AS (SELECT ${start} UNION ALL SELECT i + 1 FROM s WHERE i < ${start + count - 1}) SELECT i FROM s) AS n`
        : `generate_series(${start}::bigint, ${start + count - 1}::bigint) AS n(i)`,
    /** An ISO UTC time (`toISOString` form) of epoch seconds. */
    iso: (seconds: string) =>
      dialect === 'sqlite'
        ? `strftime('%Y-%m-%dT%H:%M:%fZ', ${seconds}, 'unixepoch')`
        : `to_char(to_timestamp(${seconds}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    /** A JSON object as text. */
    json: (pairs: string) =>
      dialect === 'sqlite' ? `json_object(${pairs})` : `json_build_object(${pairs})::text`
  };
}

/** A pseudo-random whole number in [0, 1_000_003) from the row number and a salt. */
const hash = (salt: number) => `(((n.i + ${salt}) * 2654435761) % 1000003)`;
const pick = (salt: number, values: readonly string[]) =>
  `(CASE ${hash(salt)} % ${values.length} ${values
    .map((v, k) => `WHEN ${k} THEN '${v}'`)
    .join(' ')} END)`;
const text = (expr: string) => `CAST(${expr} AS TEXT)`;

async function insertSeries(
  db: Kysely<unknown>,
  dialect: Dialect,
  total: number,
  statement: (series: string) => string
): Promise<void> {
  for (let start = 0; start < total; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, total - start);
    await sql.raw(statement(fragments(dialect).series(start, count))).execute(db);
  }
}

/** Seeds one workspace's year (and its owner) into `target`; the tables are the app's own. */
export async function seedKpiYear(o: KpiSeedOptions): Promise<KpiSeed> {
  const t0 = performance.now();
  const dialect: Dialect = 'databaseUrl' in o.target ? 'postgres' : 'sqlite';
  const f = fragments(dialect);
  const { records } = await openDatabase(o.target, { logger: createLogger('error'), poolSize: 2 });
  try {
    const accounts = new Accounts(records);
    const owner = await accounts.createUser({
      email: 'kpis@example.com',
      name: 'KPI bench',
      passwordHash: null
    });
    await accounts.createWorkspace('KPI bench', owner.id, o.workspaceId);
    const db = records.db as unknown as Kysely<unknown>;
    const ws = `'${o.workspaceId}'`;
    const yearStart = o.nowS - YEAR_S;
    const archiveBefore = o.nowS - 14 * DAY_S;

    // Tasks: created over the year, started within a day, done 10 min to 5 days later (95%).
    // Done more than 14 days ago: moved to the archive (as the archiver does); the rest are
    // cards of the live board, one in ten of them an incident's card.
    const created = `(${yearStart} + ${hash(11)} * ${YEAR_S} / 1000003)`;
    const started = `(${created} + ${hash(12)} % ${DAY_S})`;
    const done = `(${started} + 600 + ${hash(13)} % ${5 * DAY_S})`;
    const isDone = `(${hash(14)} % 100 < 95 AND ${done} < ${o.nowS})`;
    const archived = `(${isDone} AND ${done} < ${archiveBefore})`;
    const due = `(CASE WHEN ${hash(15)} % 3 = 0 THEN ${f.iso(`${created} + ${3 * DAY_S}`)} END)`;
    const title = `'Rotate the certificates of ' || ${pick(16, ['checkout', 'payments', 'auth', 'search', 'kafka'])} || ' #' || ${text('n.i')}`;
    const card = (kind: string, doneAt: string) =>
      f.json(
        `'id', 'task' || ${text('n.i')}, 'key', 'OPS-' || ${text('n.i + 1')}, 'title', ${title}, ` +
          `'kind', ${kind}, 'status', ${doneAt === 'NULL' ? "'doing'" : "'done'"}, ` +
          `'priority', ${pick(17, ['low', 'medium', 'high'])}, 'createdAt', ${f.iso(created)}, ` +
          `'startedAt', ${f.iso(started)}, 'doneAt', ${doneAt}, 'dueAt', ${due}, ` +
          `'assignee', 'user' || ${text(`${hash(18)} % 12`)}, 'createdBy', 'user0'`
      );
    await insertSeries(
      db,
      dialect,
      o.tasks,
      (series) => `
      INSERT INTO archived_tasks (workspace_id, task_id, task_key, title, kind, status, assignee,
        labels, finished_at, archived_at, updated_at, card, item_client, item_clock, item_ids,
        search_text)
      SELECT ${ws}, 'task' || ${text('n.i')}, 'OPS-' || ${text('n.i + 1')}, ${title},
        CASE WHEN ${hash(19)} % 10 = 0 THEN 'incident' ELSE 'task' END, 'done',
        'user' || ${text(`${hash(18)} % 12`)}, '[]', ${f.iso(done)}, ${f.iso(`${done} + ${14 * DAY_S}`)},
        ${f.iso(done)}, ${card(`CASE WHEN ${hash(19)} % 10 = 0 THEN 'incident' ELSE 'task' END`, f.iso(done))},
        1, n.i, '{}', ${title}
      FROM ${series} WHERE ${archived}`
    );
    const liveKind = `CASE WHEN ${hash(19)} % 10 = 0 THEN 'incident' ELSE 'task' END`;
    const liveDone = `CASE WHEN ${isDone} THEN ${f.iso(done)} END`;
    await insertSeries(
      db,
      dialect,
      o.tasks,
      (series) => `
      INSERT INTO task_cards (workspace_id, task_id, key_upper, card, kind, started_at, done_at, due_at)
      SELECT ${ws}, 'task' || ${text('n.i')}, 'OPS-' || ${text('n.i + 1')},
        ${card(liveKind, liveDone)}, ${liveKind}, ${f.iso(started)}, ${liveDone}, ${due}
      FROM ${series} WHERE NOT ${archived}`
    );

    // Incidents: opened over the year; 90% acknowledged 1–30 min later, 97% resolved 10 min to
    // 4 h later; the rest are still open.
    const opened = `(${yearStart} + ${hash(21)} * ${YEAR_S} / 1000003)`;
    const acked = `(${opened} + 60 + ${hash(22)} % 1740)`;
    const resolvedS = `(${opened} + 600 + ${hash(23)} % 13800)`;
    const isAcked = `(${hash(24)} % 10 < 9)`;
    const isResolved = `(${hash(25)} % 100 < 97 AND ${resolvedS} < ${o.nowS})`;
    const severity = pick(26, ['critical', 'high', 'warning', 'info']);
    await insertSeries(
      db,
      dialect,
      o.incidents,
      (series) => `
      INSERT INTO incidents (id, workspace_id, integration_id, dedupe_key, title, severity, state,
        labels, annotations, opened_at, acknowledged_at, acknowledged_by, resolved_at,
        resolved_by, closed_at, closed_by, alerts_cleared_at, reopen_count, flapping,
        board_state, task_key, updated_at)
      SELECT 'inc' || ${text('n.i')}, ${ws}, 'integration0', 'group' || ${text('n.i')},
        'High latency on ' || ${pick(27, ['checkout', 'payments', 'auth', 'search'])}, ${severity},
        CASE WHEN ${isResolved} THEN 'resolved' WHEN ${isAcked} THEN 'acknowledged' ELSE 'triggered' END,
        '{"alertname":"HighLatency"}', '{}', ${f.iso(opened)},
        CASE WHEN ${isAcked} THEN ${f.iso(acked)} END, CASE WHEN ${isAcked} THEN 'user1' END,
        CASE WHEN ${isResolved} THEN ${f.iso(resolvedS)} END, CASE WHEN ${isResolved} THEN 'user1' END,
        NULL, NULL, NULL, 0, 0,
        CASE WHEN ${isResolved} THEN 'resolved' ELSE 'triggered' END, 'INC-' || ${text('n.i + 1')},
        ${f.iso(opened)}
      FROM ${series}`
    );
    const event = (type: string, at: string, where: string) =>
      insertSeries(
        db,
        dialect,
        o.incidents,
        (series) => `
        INSERT INTO incident_events (workspace_id, incident_id, at, type, actor, data)
        SELECT ${ws}, 'inc' || ${text('n.i')}, ${f.iso(at)}, '${type}',
          ${type === 'opened' ? 'NULL' : "'user1'"}, '{}'
        FROM ${series} WHERE ${where}`
      );
    await event('opened', opened, '1 = 1');
    await event('acknowledged', acked, isAcked);
    await event('resolved', resolvedS, isResolved);

    // Alert occurrences: spread over the incidents, one a minute after the incident opened.
    const incidentOf = `(n.i % ${o.incidents})`;
    await insertSeries(
      db,
      dialect,
      o.occurrences,
      (series) => `
      INSERT INTO alert_occurrences (integration_id, fingerprint, starts_at, workspace_id,
        incident_id, status, ends_at, labels, annotations, generator_url, first_received_at,
        last_received_at)
      SELECT 'integration0', 'fp' || ${text('n.i')},
        ${f.iso(`${yearStart} + n.i * ${YEAR_S} / ${o.occurrences}`)}, ${ws},
        'inc' || ${text(incidentOf)}, 'resolved',
        ${f.iso(`${yearStart} + n.i * ${YEAR_S} / ${o.occurrences} + 300`)},
        '{"alertname":"HighLatency","instance":"node-' || ${text(`${hash(31)} % 40`)} || ':9100"}',
        '{"summary":"p99 latency above 500 ms"}', NULL,
        ${f.iso(`${yearStart} + n.i * ${YEAR_S} / ${o.occurrences}`)},
        ${f.iso(`${yearStart} + n.i * ${YEAR_S} / ${o.occurrences} + 300`)}
      FROM ${series}`
    );

    // Changes: finished over the year; one in twenty marked as an incident's cause.
    const submitted = `(${yearStart} + ${hash(41)} * ${YEAR_S} / 1000003)`;
    const finished = `(${submitted} + 3600 + ${hash(42)} % ${3 * DAY_S})`;
    await insertSeries(
      db,
      dialect,
      o.changes,
      (series) => `
      INSERT INTO changes (id, workspace_id, task_key, title, type, state, risk, impact,
        window_start, window_end, time_zone, requester_id, approvers, board_state, created_at,
        updated_at, submitted_at, approved_at, started_at, finished_at)
      SELECT 'chg' || ${text('n.i')}, ${ws}, 'CHG-' || ${text('n.i + 1')}, 'Upgrade the database',
        'normal', ${pick(43, ['completed', 'completed', 'completed', 'completed', 'completed', 'completed', 'failed', 'rolled_back', 'cancelled', 'rejected'])},
        'medium', '', ${f.iso(finished)}, ${f.iso(`${finished} + 3600`)}, 'UTC', 'user0', '[]',
        'done', ${f.iso(submitted)}, ${f.iso(finished)}, ${f.iso(submitted)},
        ${f.iso(`${submitted} + 600`)}, ${f.iso(`${finished} - 600`)}, ${f.iso(finished)}
      FROM ${series}`
    );
    await insertSeries(
      db,
      dialect,
      o.changes,
      (series) => `
      INSERT INTO incident_change_causes (incident_id, change_id, marked_by, at)
      SELECT 'inc' || ${text(`n.i % ${o.incidents}`)}, 'chg' || ${text('n.i')}, 'user1', ${f.iso(finished)}
      FROM ${series} WHERE ${hash(44)} % 20 = 0`
    );

    // Automation runs: finished over the year.
    const runStarted = `(${yearStart} + ${hash(51)} * ${YEAR_S} / 1000003)`;
    await insertSeries(
      db,
      dialect,
      o.runs,
      (series) => `
      INSERT INTO automation_runs (id, workspace_id, job_id, job_name, kind, state, origin,
        check_mode, parameters, spec, max_concurrent, requested_by, log_bytes, log_truncated,
        created_at, started_at, finished_at, cancel_requested)
      SELECT 'run' || ${text('n.i')}, ${ws}, 'job' || ${text(`${hash(52)} % 30`)}, 'Restart service',
        'shell', ${pick(53, ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'timed_out', 'cancelled', 'interrupted'])},
        'manual', 0, '{}', '{}', 1, 'user0', 2048, 0, ${f.iso(runStarted)},
        ${f.iso(`${runStarted} + 1`)}, ${f.iso(`${runStarted} + 30 + ${hash(54)} % 600`)}, 0
      FROM ${series}`
    );
    // As PostgreSQL's autovacuum (and SQLite's `PRAGMA optimize`) would after a bulk load.
    await sql.raw(dialect === 'postgres' ? 'ANALYZE' : 'ANALYZE').execute(db);

    const rows: Record<string, number> = {};
    for (const table of [
      'task_cards',
      'archived_tasks',
      'incidents',
      'incident_events',
      'alert_occurrences',
      'changes',
      'incident_change_causes',
      'automation_runs'
    ]) {
      const result = await sql<{
        n: number | string;
      }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(db);
      rows[table] = Number(result.rows[0]?.n ?? 0);
    }
    return { rows, seedMs: performance.now() - t0 };
  } finally {
    await records.close();
  }
}

export interface KpiTiming {
  /** Wall time of each `kpis` call, ms (the first is a warm-up, not in `ms`). */
  warmupMs: number;
  ms: number[];
  /** A few figures of the last report, to show it read the data. */
  figures: Record<string, number | null>;
}

/** Times the reports service's `kpis` of the year, `times` times after one warm-up call. */
export async function timeKpis(o: {
  target: DatabaseTarget;
  workspaceId: string;
  nowS: number;
  times: number;
}): Promise<KpiTiming> {
  const { records } = await openDatabase(o.target, { logger: createLogger('error') });
  try {
    const reports = new ReportsService({ store: new ReportsStore(records) });
    const query = {
      from: new Date((o.nowS - YEAR_S) * 1000).toISOString(),
      to: new Date(o.nowS * 1000).toISOString()
    };
    let t = performance.now();
    await reports.kpis(o.workspaceId, query);
    const warmupMs = performance.now() - t;
    const ms: number[] = [];
    let last = null;
    for (let k = 0; k < o.times; k++) {
      t = performance.now();
      last = await reports.kpis(o.workspaceId, query);
      ms.push(performance.now() - t);
    }
    return {
      warmupMs,
      ms,
      figures: {
        incidents: last!.incidents,
        mttaSeconds: last!.mttaSeconds,
        mttrSeconds: last!.mttrSeconds,
        changeSuccessRate: last!.changeSuccessRate,
        throughput: last!.throughput
      }
    };
  } finally {
    await records.close();
  }
}

/**
 * The /metrics scenario's data: `workspaces` workspaces (ids `ws-00` …) owned by one user, each
 * with `incidentsEach` incidents over the year, a few of them still open, so the scrape's
 * open-incident count reads realistic tables.
 */
export async function seedScrapeWorkspaces(o: {
  target: DatabaseTarget;
  workspaces: number;
  incidentsEach: number;
  nowS: number;
}): Promise<{ ids: string[]; seedMs: number }> {
  const t0 = performance.now();
  const dialect: Dialect = 'databaseUrl' in o.target ? 'postgres' : 'sqlite';
  const f = fragments(dialect);
  const { records } = await openDatabase(o.target, { logger: createLogger('error'), poolSize: 2 });
  try {
    const accounts = new Accounts(records);
    const owner = await accounts.createUser({
      email: 'scrape@example.com',
      name: 'Scrape bench',
      passwordHash: null
    });
    const ids: string[] = [];
    const db = records.db as unknown as Kysely<unknown>;
    for (let w = 0; w < o.workspaces; w++) {
      const id = `ws-${String(w).padStart(2, '0')}`;
      ids.push(id);
      await accounts.createWorkspace(`Team ${w}`, owner.id, id);
      const opened = `(${o.nowS - YEAR_S} + ${hash(61 + w)} * ${YEAR_S} / 1000003)`;
      await insertSeries(
        db,
        dialect,
        o.incidentsEach,
        (series) => `
        INSERT INTO incidents (id, workspace_id, integration_id, dedupe_key, title, severity,
          state, labels, annotations, opened_at, reopen_count, flapping, board_state, updated_at,
          resolved_at)
        SELECT '${id}-inc' || ${text('n.i')}, '${id}', 'integration0', 'g' || ${text('n.i')},
          'Disk almost full', 'warning',
          CASE WHEN n.i < 3 THEN 'triggered' ELSE 'resolved' END, '{}', '{}', ${f.iso(opened)}, 0, 0,
          'resolved', ${f.iso(opened)}, CASE WHEN n.i < 3 THEN NULL ELSE ${f.iso(`${opened} + 900`)} END
        FROM ${series}`
      );
    }
    await sql.raw('ANALYZE').execute(db);
    return { ids, seedMs: performance.now() - t0 };
  } finally {
    await records.close();
  }
}
