/**
 * The KPIs of a report (reports-service.ts, docs/kpis.md) against fixed sample rows inserted
 * straight into the records, on both backends, each expected value computed by hand below.
 *
 * Range: [2026-03-01T00:00Z, 2026-03-08T00:00Z).
 *
 * Incidents of `ws` (times UTC, seconds from opening):
 * - A critical: opened 03-01 01:00, acknowledged +120, resolved by a person +1800.
 * - B critical, reopened: opened 03-02 00:00, acknowledged +600, resolved automatically
 *   +7200, reopened, acknowledged again +11400 (not its first: ignored), resolved by a person
 *   +14400 (the final resolution: MTTR 14400).
 * - C warning, acknowledgement after resolution: opened 03-03 00:00, resolved automatically
 *   +1200, acknowledged +1800 → no MTTA; MTTR 1200.
 * - D high, unresolved: opened 03-04 00:00, acknowledged +300 → MTTA 300, not in MTTR, open.
 * - E high, resolved after `to`: opened 03-07 23:00, acknowledged +60, resolved 03-08 01:00 →
 *   MTTA 60, not in MTTR, open at `to`.
 * - F critical, opened before `from` (02-28 23:00), resolved 03-01 00:30: in no duration and
 *   not opened in the range, but resolved in it.
 * - G info, opened 02-20, never resolved: open at `to`.
 * - one incident of another workspace in the range: counted nowhere.
 *
 * MTTA: 60, 120, 300, 600 → count 4, mean 270, median (120+300)/2 = 210, p90 = ⌈3.6⌉ = 4th = 600.
 *   critical (A 120, B 600): mean 360, median 360, p90 = ⌈1.8⌉ = 2nd = 600.
 *   high (D 300, E 60): mean 180, median 180, p90 300. warning, info: none.
 * MTTR: 1200, 1800, 14400 → count 3, mean 5800, median 1800, p90 = ⌈2.7⌉ = 3rd = 14400;
 *   open (opened in range, not resolved by `to`): D, E = 2.
 * Incidents: opened A–E = 5; resolved in range A, B, C, F = 4; open at `to` D, E, G = 3.
 *
 * Changes finished in the range: c1 completed (submitted 03-01 00:00, finished 02:00: 7200 s),
 * c2 completed (03-02 00:00 → 06:00: 21600 s, caused incident A), c3 failed, c4 rolled_back
 * (caused B), c5 cancelled (marked as a cause: still not counted), c7 completed (03-06 00:00 →
 * 01:00: 3600 s), c8 rejected; c6 completed 02-28 is outside.
 * → 7 finished; success 3 / (3+1+1) = 0.6; failure 2 caused / 5 = 0.4;
 *   lead time 3600, 7200, 21600 → median 7200, mean 10800.
 *
 * Automation runs ended in the range: succeeded ×3, failed, timed_out, cancelled (a succeeded
 * one before `from` and a running one are not) → 6; success rate 3 / (6 − 1) = 0.6.
 *
 * Plain tasks (t4 is an incident card, never counted):
 * - t1 started 03-01 10:00, done 03-02 15:30Z (23:30 in Shanghai, 03-02): cycle 106200.
 * - t2 started 03-02 15:00, done 03-02 16:30Z (00:30 on 03-03 in Shanghai): cycle 5400.
 * - t3 done 03-05 00:00Z, never started: throughput, no cycle time.
 * - t5 done 02-28: outside.
 * - t6 archived, started 03-06 00:00, done 02:00: cycle 7200.
 * - t7 started 03-07, due 03-07 12:00, not done: in progress and overdue.
 * - t8 started 03-01, due 03-06, done 03-08 01:00 (after `to`): in progress and overdue at `to`.
 * - t9 to do, due 03-09: neither. t10 to do, due 03-03: overdue.
 * → throughput 4; per day in UTC: 03-02 ×2, 03-05, 03-06; in Asia/Shanghai: 03-02, 03-03,
 *   03-05, 03-06 (t2 crosses midnight UTC+8). Cycle time 5400, 7200, 106200 → mean 39600,
 *   median 7200, p90 106200. Work in progress t7, t8 = 2; overdue t7, t8, t10 = 3.
 */
import { describe, expect, test } from 'vitest';
import type { RecordsDb } from '../../src/lib/server/db/records';
import { ReportsService } from '../../src/lib/server/reports/reports-service';
import { ReportsStore } from '../../src/lib/server/reports/reports-store';
import { reportFigure } from '../../src/lib/shared/reports/kpi-definitions';
import { openTestRecords, recordsBackends } from '../helpers/records';
import { runRow } from '../helpers/report-rows';

const FROM = '2026-03-01T00:00:00.000Z';
const TO = '2026-03-08T00:00:00.000Z';

const iso = (text: string) => new Date(text).toISOString();
const plus = (at: string, seconds: number) =>
  new Date(Date.parse(at) + seconds * 1000).toISOString();

type Ev = ['acknowledged' | 'resolved' | 'reopened', number, string | null];

async function incident(
  db: RecordsDb,
  ws: string,
  id: string,
  severity: string,
  opened: string,
  resolvedAfter: number | string | null,
  events: Ev[]
) {
  const openedAt = iso(opened);
  const resolvedAt =
    resolvedAfter === null
      ? null
      : typeof resolvedAfter === 'number'
        ? plus(openedAt, resolvedAfter)
        : iso(resolvedAfter);
  await db
    .insertInto('incidents')
    .values({
      id,
      workspace_id: ws,
      integration_id: 'int',
      dedupe_key: id,
      title: id,
      severity,
      state: resolvedAt === null ? 'acknowledged' : 'resolved',
      labels: '{}',
      annotations: '{}',
      opened_at: openedAt,
      acknowledged_at: null,
      acknowledged_by: null,
      resolved_at: resolvedAt,
      resolved_by: null,
      closed_at: null,
      closed_by: null,
      alerts_cleared_at: null,
      reopen_count: 0,
      flapping: 0,
      board_state: '',
      task_key: null,
      updated_at: openedAt,
      routed_channels: null,
      assignee: null,
      escalation_policy_id: null
    })
    .execute();
  for (const [type, after, actor] of [['opened', 0, null] as const, ...events]) {
    await db
      .insertInto('incident_events')
      .values({
        workspace_id: ws,
        incident_id: id,
        at: plus(openedAt, after),
        type,
        actor,
        data: '{}'
      })
      .execute();
  }
}

async function change(
  db: RecordsDb,
  id: string,
  state: string,
  submitted: string | null,
  finished: string
) {
  await db
    .insertInto('changes')
    .values({
      id,
      workspace_id: 'ws',
      task_key: null,
      title: id,
      type: 'normal',
      state,
      risk: 'low',
      impact: '',
      window_start: iso(finished),
      window_end: iso(finished),
      time_zone: 'UTC',
      requester_id: 'u1',
      approvers: '[]',
      board_state: '',
      created_at: submitted ? iso(submitted) : iso(finished),
      updated_at: iso(finished),
      submitted_at: submitted ? iso(submitted) : null,
      approved_at: null,
      started_at: null,
      finished_at: iso(finished)
    })
    .execute();
}

let runSeq = 0;
async function run(db: RecordsDb, state: string, finished: string | null) {
  runSeq += 1;
  await db
    .insertInto('automation_runs')
    .values(
      runRow({
        id: `run-${runSeq}`,
        workspaceId: 'ws',
        state,
        createdAt: iso('2026-02-01T00:00Z'),
        finishedAt: finished === null ? null : iso(finished)
      })
    )
    .execute();
}

interface TaskTimes {
  kind?: string;
  startedAt?: string;
  doneAt?: string;
  dueAt?: string;
}

function cardJson(id: string, times: TaskTimes) {
  return JSON.stringify({
    id,
    kind: times.kind ?? 'task',
    title: id,
    startedAt: times.startedAt ? iso(times.startedAt) : null,
    doneAt: times.doneAt ? iso(times.doneAt) : null,
    dueAt: times.dueAt ? iso(times.dueAt) : null
  });
}

async function liveTask(db: RecordsDb, id: string, times: TaskTimes) {
  await db
    .insertInto('task_cards')
    .values({
      workspace_id: 'ws',
      task_id: id,
      key_upper: null,
      card: cardJson(id, times),
      // As board/card-mirror.ts writes them beside the card.
      kind: times.kind ?? 'task',
      started_at: times.startedAt ? iso(times.startedAt) : null,
      done_at: times.doneAt ? iso(times.doneAt) : null,
      due_at: times.dueAt ? iso(times.dueAt) : null
    })
    .execute();
}

async function seed(db: RecordsDb) {
  await incident(db, 'ws', 'A', 'critical', '2026-03-01T01:00Z', 1800, [
    ['acknowledged', 120, 'u1'],
    ['resolved', 1800, 'u1']
  ]);
  await incident(db, 'ws', 'B', 'critical', '2026-03-02T00:00Z', 14400, [
    ['acknowledged', 600, 'u1'],
    ['resolved', 7200, null],
    ['reopened', 10800, null],
    ['acknowledged', 11400, 'u2'],
    ['resolved', 14400, 'u2']
  ]);
  await incident(db, 'ws', 'C', 'warning', '2026-03-03T00:00Z', 1200, [
    ['resolved', 1200, null],
    ['acknowledged', 1800, 'u1']
  ]);
  await incident(db, 'ws', 'D', 'high', '2026-03-04T00:00Z', null, [['acknowledged', 300, 'u1']]);
  await incident(db, 'ws', 'E', 'high', '2026-03-07T23:00Z', '2026-03-08T01:00Z', [
    ['acknowledged', 60, 'u1'],
    ['resolved', 7200, 'u1']
  ]);
  await incident(db, 'ws', 'F', 'critical', '2026-02-28T23:00Z', '2026-03-01T00:30Z', [
    ['acknowledged', 1800, 'u1'],
    ['resolved', 5400, 'u1']
  ]);
  await incident(db, 'ws', 'G', 'info', '2026-02-20T00:00Z', null, []);
  await incident(db, 'other', 'X', 'critical', '2026-03-02T00:00Z', 60, [
    ['acknowledged', 30, 'u9'],
    ['resolved', 60, 'u9']
  ]);

  await change(db, 'c1', 'completed', '2026-03-01T00:00Z', '2026-03-01T02:00Z');
  await change(db, 'c2', 'completed', '2026-03-02T00:00Z', '2026-03-02T06:00Z');
  await change(db, 'c3', 'failed', '2026-03-02T00:00Z', '2026-03-03T00:00Z');
  await change(db, 'c4', 'rolled_back', '2026-03-03T00:00Z', '2026-03-04T00:00Z');
  await change(db, 'c5', 'cancelled', null, '2026-03-05T00:00Z');
  await change(db, 'c6', 'completed', '2026-02-27T00:00Z', '2026-02-28T00:00Z');
  await change(db, 'c7', 'completed', '2026-03-06T00:00Z', '2026-03-06T01:00Z');
  await change(db, 'c8', 'rejected', '2026-03-04T00:00Z', '2026-03-05T00:00Z');
  for (const [incidentId, changeId] of [
    ['A', 'c2'],
    ['B', 'c4'],
    ['C', 'c5'],
    ['F', 'c6']
  ] as const) {
    await db
      .insertInto('incident_change_causes')
      .values({ incident_id: incidentId, change_id: changeId, marked_by: 'u1', at: FROM })
      .execute();
  }

  for (const state of ['succeeded', 'succeeded', 'succeeded', 'failed', 'timed_out', 'cancelled']) {
    await run(db, state, '2026-03-03T00:00Z');
  }
  await run(db, 'succeeded', '2026-02-28T00:00Z');
  await run(db, 'running', null);

  await liveTask(db, 't1', { startedAt: '2026-03-01T10:00Z', doneAt: '2026-03-02T15:30Z' });
  await liveTask(db, 't2', { startedAt: '2026-03-02T15:00Z', doneAt: '2026-03-02T16:30Z' });
  await liveTask(db, 't3', { doneAt: '2026-03-05T00:00Z' });
  await liveTask(db, 't4', {
    kind: 'incident',
    startedAt: '2026-03-01T00:00Z',
    doneAt: '2026-03-02T00:00Z'
  });
  await liveTask(db, 't5', { startedAt: '2026-02-27T00:00Z', doneAt: '2026-02-28T00:00Z' });
  await liveTask(db, 't7', { startedAt: '2026-03-07T00:00Z', dueAt: '2026-03-07T12:00Z' });
  await liveTask(db, 't8', {
    startedAt: '2026-03-01T00:00Z',
    dueAt: '2026-03-06T00:00Z',
    doneAt: '2026-03-08T01:00Z'
  });
  await liveTask(db, 't9', { dueAt: '2026-03-09T00:00Z' });
  await liveTask(db, 't10', { dueAt: '2026-03-03T00:00Z' });
  const t6Done = iso('2026-03-06T02:00Z');
  await db
    .insertInto('archived_tasks')
    .values({
      workspace_id: 'ws',
      task_id: 't6',
      task_key: null,
      title: 't6',
      kind: 'task',
      status: 'done',
      assignee: null,
      labels: '[]',
      finished_at: t6Done,
      archived_at: t6Done,
      updated_at: t6Done,
      card: cardJson('t6', { startedAt: '2026-03-06T00:00Z', doneAt: '2026-03-06T02:00Z' }),
      item_client: null,
      item_clock: null,
      item_ids: '[]',
      search_text: 't6'
    })
    .execute();
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`reports KPIs (${backend.name})`, () => {
    test('every figure against hand-computed values, edge cases included', async () => {
      const { records } = await openTestRecords(backend.name);
      await seed(records.db);
      const service = new ReportsService({ store: new ReportsStore(records) });
      const report = await service.kpis('ws', { from: FROM, to: TO });
      const f = report.figures;

      // The contract fields.
      expect(report.mttaSeconds).toBe(270);
      expect(report.mttrSeconds).toBe(5800);
      expect(report.incidents).toBe(5);
      expect(report.changeSuccessRate).toBe(0.6);
      expect(report.throughput).toBe(4);

      expect(f.mtta).toMatchObject({ value: 270, count: 4, mean: 270, median: 210, p90: 600 });
      expect(f.mtta.bySeverity.critical).toEqual({ count: 2, mean: 360, median: 360, p90: 600 });
      expect(f.mtta.bySeverity.high).toEqual({ count: 2, mean: 180, median: 180, p90: 300 });
      expect(f.mtta.bySeverity.warning).toEqual({ count: 0, mean: null, median: null, p90: null });
      expect(f.mttr).toMatchObject({ count: 3, mean: 5800, median: 1800, p90: 14400, open: 2 });
      expect(f.mttr.bySeverity.critical).toEqual({
        count: 2,
        mean: 8100,
        median: 8100,
        p90: 14400
      });
      expect(f.mttr.bySeverity.warning).toEqual({ count: 1, mean: 1200, median: 1200, p90: 1200 });
      expect(f.incidents).toMatchObject({ value: 5, opened: 5, resolved: 4, openAtEnd: 3 });

      expect(f.changesFinished.value).toBe(7);
      expect(f.changesFinished.byOutcome).toEqual({
        completed: 3,
        failed: 1,
        rolled_back: 1,
        cancelled: 1,
        rejected: 1
      });
      expect(f.changeSuccessRate.value).toBe(0.6);
      expect(f.changeFailureRate).toMatchObject({ value: 0.4, caused: 2, finished: 5 });
      expect(f.changeLeadTime).toMatchObject({ value: 7200, count: 3, median: 7200, mean: 10800 });

      expect(f.automationRuns.value).toBe(6);
      expect(f.automationRuns.byState).toEqual({
        succeeded: 3,
        failed: 1,
        timed_out: 1,
        cancelled: 1,
        interrupted: 0
      });
      expect(f.automationSuccessRate.value).toBe(0.6);

      expect(f.throughput.byDay).toEqual([
        { day: '2026-03-02', count: 2 },
        { day: '2026-03-05', count: 1 },
        { day: '2026-03-06', count: 1 }
      ]);
      expect(f.cycleTime).toMatchObject({ count: 3, mean: 39600, median: 7200, p90: 106200 });
      expect(f.workInProgress.value).toBe(2);
      expect(f.overdue.value).toBe(3);

      // Each figure carries its versioned definition, in English by default.
      expect(f.mtta.definition).toEqual({
        id: 'mtta',
        version: 2,
        text: reportFigure('mtta').text.en
      });
      expect(f.mtta.unit).toBe('seconds');
      expect(f.changeSuccessRate.unit).toBe('ratio');
    });

    test('per-day buckets in a time zone, and definitions in Chinese', async () => {
      const { records } = await openTestRecords(backend.name);
      await seed(records.db);
      const service = new ReportsService({ store: new ReportsStore(records) });
      const report = await service.kpis('ws', {
        from: FROM,
        to: TO,
        timeZone: 'Asia/Shanghai',
        locale: 'zh-CN'
      });
      // t2 was done at 16:30Z on 03-02: 00:30 on 03-03 in Shanghai (UTC+8).
      expect(report.figures.throughput.byDay).toEqual([
        { day: '2026-03-02', count: 1 },
        { day: '2026-03-03', count: 1 },
        { day: '2026-03-05', count: 1 },
        { day: '2026-03-06', count: 1 }
      ]);
      expect(report.timeZone).toBe('Asia/Shanghai');
      expect(report.figures.mttr.definition.text).toBe(reportFigure('mttr').text['zh-CN']);

      // A range that starts after A–C: only D and E (and their MTTA) remain.
      const later = await service.kpis('ws', { from: '2026-03-04T00:00:00Z', to: TO });
      expect(later.incidents).toBe(2);
      expect(later.mttaSeconds).toBe(180);
      expect(later.mttrSeconds).toBeNull();
      expect(later.figures.mttr.open).toBe(2);
      // An empty workspace: nulls, not zeros, for the means and rates.
      const empty = await service.kpis('nobody', { from: FROM, to: TO });
      expect(empty).toMatchObject({
        mttaSeconds: null,
        mttrSeconds: null,
        incidents: 0,
        changeSuccessRate: null,
        throughput: 0
      });
    });
  });
}
