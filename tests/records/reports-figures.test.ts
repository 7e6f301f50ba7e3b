/**
 * The report's filters, new figures, series, previous range and drill-down
 * (reports-service.ts, docs/kpis.md) against fixed sample rows inserted straight into the
 * records, on both backends, each expected value computed by hand below.
 *
 * Range: [2026-03-01T00:00Z, 2026-03-08T00:00Z), 7 days; previous: [02-22, 03-01).
 *
 * Integrations of `ws`: intA (service label `app`, escalation policy polDB "DBA"), intB (default
 * label `service`, no policy). Policy polWeb "Web". CIs: ci-pay (service "Payments").
 *
 * Incidents (seconds from opening):
 * - I1 critical (intA, app=checkout, team DBA, key OPS-1), 03-01 01:00: acknowledged +120 when
 *   it was high (severity at the event), resolved by a person +1800; 3 alerts.
 * - I2 warning (intB, service=checkout, rule policy polWeb → team Web), 03-02 00:00: resolved
 *   automatically +600, reopened +1200, resolved automatically +3000 (final); no one
 *   acknowledged → auto-resolved, flapping; caused by change c1 (time to restore 3000); 5 alerts;
 *   its card has the label lbl-ops.
 * - I3 high (intB, no service label, linked CI ci-pay → service "Payments", no team),
 *   03-03 22:30 (03-04 06:30 in Shanghai): resolved automatically +900, acknowledged +1200
 *   (after the resolution: no MTTA, still auto-resolved); 1 alert.
 * - I4 critical (intA, app=payments, team DBA), 03-07 20:00: acknowledged +300, open at `to`;
 *   caused by c2 (open: no time to restore); 2 alerts.
 * - I5 info (intB), opened 02-28 23:00, resolved automatically 03-01 00:30: resolved in the
 *   range, opened in the previous one (1 alert, received 02-28).
 * - one incident of another workspace in the range: counted nowhere.
 * A held occurrence (no incident) arrives 03-05 00:00.
 *
 * MTTA: I1 120, I4 300 → count 2, mean 210, median 210, p90 300; by severity at the event:
 *   high {120}, critical {300}; by service: checkout {120}, payments {300}; by team DBA {120, 300}.
 * MTTR: I3 900, I1 1800, I2 3000 → count 3, mean 1900, median 1800, p90 3000; open 1 (I4);
 *   by severity: critical {1800}, warning {3000}, high {900}; by service: checkout {1800, 3000},
 *   Payments {900}; by team: DBA {1800}, Web {3000}, (none) {900}.
 * Incidents: opened 4, resolved in range 4 (I1, I2, I3, I5), open at `to` 1 (I4).
 * Alert noise: (3+5+1+2)/4 = 2.75; alerts received in the range 3+5+1+1+2 = 12; auto-resolved
 *   I2, I3 of the 3 resolved → 2/3; flapping I2 → 1, share 1/4.
 *
 * Pages (escalation steps): I1 03-01 01:00 [u1], I1 01:05 [u1, u2], I4 03-07 20:00 [u2], I5
 *   03-01 00:10 (older record: paged ["Alice", "channel:ch1"]), I1 03-08 01:00 (after `to`).
 *   UTC: u1 2 (2 at night), u2 2 (1 at night), Alice 1 (1 at night) → 5 pages, 4 at night.
 *   Shanghai (+8): 09:00, 09:05, 04:00, 08:10 → only I4's page is at night: 1.
 *
 * Changes: c1 completed (submitted 03-01 00:00 → 04:00: 14400 s, caused I2), c2 failed 03-04
 *   (caused I4), c3 completed (03-05 00:00 → 02:00: 7200 s, CI ci-pay), c4 cancelled 03-06.
 *   → 4 finished; success 2/3; failure 2/3; lead time median 10800; deployments 2 / 7 days.
 *
 * Plain tasks (first completion = resolved_at, else done_at for older cards):
 * - t1 started 03-01, first done 03-02, moved out and back (done 03-06), due 03-03 (met),
 *   label lbl-ops: throughput at 03-02, cycle 86400.
 * - t2 started 03-02 12:00, first done 03-03 12:00, moved out (not done now), label
 *   lbl-checkout: throughput, cycle 86400, and work in progress at `to`.
 * - t3 first done 02-25 (previous range; cycle from 02-20: 432000), done again 03-04, due 03-02
 *   (met): not in this range's throughput.
 * - t4 due 03-05, never done: overdue and an SLA breach (259200 s late at `to`).
 * - t5 started 03-06, due 03-06 12:00, first done 03-07 12:00 (breach, 86400 s late), linked to
 *   ci-pay: cycle 129600.
 * - t6 older card (no resolved_at), started 03-04, done 03-05, label lbl-ops: cycle 86400.
 * - t7 due 03-09: neither due in the range nor overdue.
 * - t8 first done 03-07 17:30Z (03-08 01:30 in Shanghai), never started.
 * - a9 archived: started 03-03, first done 03-04: cycle 86400.
 * → throughput 6 (t1, t2, a9, t6, t5, t8); cycle 86400 ×4, 129600 → mean 95040, median 86400,
 *   p90 129600; WIP 1 (t2); overdue 1 (t4); SLA due 4 (t1, t3, t4, t5), breaches 2, rate 0.5.
 *
 * Runs: succeeded 03-02 10:00, failed 03-02 11:00, succeeded 03-06.
 */
import { describe, expect, test } from 'vitest';
import type { RecordsDb } from '../../src/lib/server/db/records';
import { ReportsService } from '../../src/lib/server/reports/reports-service';
import { ReportsStore } from '../../src/lib/server/reports/reports-store';
import {
  KPI_DEFINITIONS_VERSION,
  reportFigure
} from '../../src/lib/shared/reports/kpi-definitions';
import { openTestRecords, recordsBackends } from '../helpers/records';
import { runRow } from '../helpers/report-rows';

const FROM = '2026-03-01T00:00:00.000Z';
const TO = '2026-03-08T00:00:00.000Z';

const iso = (text: string) => new Date(text).toISOString();
const plus = (at: string, seconds: number) =>
  new Date(Date.parse(at) + seconds * 1000).toISOString();

interface IncidentSpec {
  ws?: string;
  severity: string;
  integration: string;
  labels: Record<string, string>;
  policy?: string;
  key?: string;
  opened: string;
  resolved: number | null;
  events: [string, number, string | null, Record<string, unknown>?][];
  alerts: number;
  alertsAt?: string;
}

async function incident(db: RecordsDb, id: string, spec: IncidentSpec) {
  const ws = spec.ws ?? 'ws';
  const openedAt = iso(spec.opened);
  const resolvedAt = spec.resolved === null ? null : plus(openedAt, spec.resolved);
  await db
    .insertInto('incidents')
    .values({
      id,
      workspace_id: ws,
      integration_id: spec.integration,
      dedupe_key: id,
      title: `Incident ${id}`,
      severity: spec.severity,
      state: resolvedAt === null ? 'acknowledged' : 'resolved',
      labels: JSON.stringify(spec.labels),
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
      task_key: spec.key ?? null,
      updated_at: openedAt,
      routed_channels: null,
      assignee: null,
      escalation_policy_id: spec.policy ?? null
    })
    .execute();
  for (const [type, after, actor, data] of [
    ['opened', 0, null] as [string, number, string | null],
    ...spec.events
  ]) {
    await db
      .insertInto('incident_events')
      .values({
        workspace_id: ws,
        incident_id: id,
        at: plus(openedAt, after),
        type,
        actor,
        data: JSON.stringify(data ?? {})
      })
      .execute();
  }
  for (let i = 0; i < spec.alerts; i += 1) {
    const at = plus(spec.alertsAt ? iso(spec.alertsAt) : openedAt, i * 60);
    await occurrence(db, ws, spec.integration, `${id}-${i}`, id, at);
  }
}

async function occurrence(
  db: RecordsDb,
  ws: string,
  integration: string,
  fingerprint: string,
  incidentId: string | null,
  at: string
) {
  await db
    .insertInto('alert_occurrences')
    .values({
      integration_id: integration,
      fingerprint,
      starts_at: at,
      workspace_id: ws,
      incident_id: incidentId,
      status: 'firing',
      ends_at: null,
      labels: '{}',
      annotations: '{}',
      generator_url: null,
      first_received_at: at,
      last_received_at: at,
      held_by: incidentId === null ? 'mw1' : null
    })
    .execute();
}

async function page(db: RecordsDb, incidentId: string, at: string, data: Record<string, unknown>) {
  await db
    .insertInto('incident_events')
    .values({
      workspace_id: 'ws',
      incident_id: incidentId,
      at: iso(at),
      type: 'escalated',
      actor: null,
      data: JSON.stringify(data)
    })
    .execute();
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
      created_at: iso(submitted ?? finished),
      updated_at: iso(finished),
      submitted_at: submitted ? iso(submitted) : null,
      approved_at: null,
      started_at: null,
      finished_at: iso(finished)
    })
    .execute();
}

let runSeq = 0;
async function run(db: RecordsDb, state: string, finished: string) {
  runSeq += 1;
  await db
    .insertInto('automation_runs')
    .values(
      runRow({
        id: `run-${runSeq}`,
        workspaceId: 'ws',
        state,
        createdAt: iso('2026-02-01T00:00Z'),
        finishedAt: iso(finished)
      })
    )
    .execute();
}

interface TaskSpec {
  kind?: string;
  started?: string;
  firstDone?: string;
  done?: string;
  due?: string;
  labels?: string[];
  links?: { type: string; target: string }[];
}

function card(id: string, t: TaskSpec) {
  return JSON.stringify({
    id,
    key: id.toUpperCase(),
    kind: t.kind ?? 'task',
    title: `Task ${id}`,
    labels: t.labels ?? [],
    links: t.links ?? [],
    startedAt: t.started ? iso(t.started) : null,
    resolvedAt: t.firstDone ? iso(t.firstDone) : null,
    doneAt: t.done ? iso(t.done) : null,
    dueAt: t.due ? iso(t.due) : null
  });
}

async function task(db: RecordsDb, id: string, t: TaskSpec) {
  await db
    .insertInto('task_cards')
    .values({
      workspace_id: 'ws',
      task_id: id,
      key_upper: id.toUpperCase(),
      card: card(id, t),
      kind: t.kind ?? 'task',
      started_at: t.started ? iso(t.started) : null,
      done_at: t.done ? iso(t.done) : null,
      due_at: t.due ? iso(t.due) : null,
      resolved_at: t.firstDone ? iso(t.firstDone) : null
    })
    .execute();
}

async function seed(db: RecordsDb) {
  const integration = (id: string, settings: Record<string, unknown>) =>
    db
      .insertInto('integrations')
      .values({
        id,
        workspace_id: 'ws',
        type: 'alertmanager',
        name: id,
        secret_hash: new Uint8Array([1]),
        settings: JSON.stringify(settings),
        created_at: FROM,
        created_by: null,
        last_received_at: null
      })
      .execute();
  await integration('intA', { serviceLabel: 'app', escalationPolicyId: 'polDB' });
  await integration('intB', {});
  for (const [id, name] of [
    ['polDB', 'DBA'],
    ['polWeb', 'Web']
  ]) {
    await db
      .insertInto('escalation_policies')
      .values({ id: id!, workspace_id: 'ws', name: name!, steps: '[]', created_at: FROM })
      .execute();
  }
  await db
    .insertInto('cmdb_items')
    .values({
      workspace_id: 'ws',
      id: 'ci-pay',
      type: 'service',
      name: 'Payments',
      name_lower: 'payments',
      environment: null,
      criticality: 'high',
      owner: null,
      tags: '[]',
      attributes: '{}',
      created_at: FROM,
      updated_at: FROM
    })
    .execute();

  await incident(db, 'I1', {
    severity: 'critical',
    integration: 'intA',
    labels: { app: 'checkout' },
    key: 'OPS-1',
    opened: '2026-03-01T01:00Z',
    resolved: 1800,
    events: [
      ['acknowledged', 120, 'u1', { severity: 'high' }],
      ['resolved', 1800, 'u1', { severity: 'critical' }]
    ],
    alerts: 3
  });
  await incident(db, 'I2', {
    severity: 'warning',
    integration: 'intB',
    labels: { service: 'checkout' },
    policy: 'polWeb',
    opened: '2026-03-02T00:00Z',
    resolved: 3000,
    events: [
      ['resolved', 600, null, { automatic: true, severity: 'warning' }],
      ['reopened', 1200, null],
      ['resolved', 3000, null, { automatic: true, severity: 'warning' }]
    ],
    alerts: 5
  });
  await incident(db, 'I3', {
    severity: 'high',
    integration: 'intB',
    labels: {},
    opened: '2026-03-03T22:30Z',
    resolved: 900,
    events: [
      ['resolved', 900, null, { automatic: true, severity: 'high' }],
      ['acknowledged', 1200, 'u2', { severity: 'high' }]
    ],
    alerts: 1
  });
  await incident(db, 'I4', {
    severity: 'critical',
    integration: 'intA',
    labels: { app: 'payments' },
    opened: '2026-03-07T20:00Z',
    resolved: null,
    events: [['acknowledged', 300, 'u1', { severity: 'critical' }]],
    alerts: 2
  });
  await incident(db, 'I5', {
    severity: 'info',
    integration: 'intB',
    labels: {},
    opened: '2026-02-28T23:00Z',
    resolved: 5400,
    events: [['resolved', 5400, null, { automatic: true }]],
    alerts: 1
  });
  await incident(db, 'X', {
    ws: 'other',
    severity: 'critical',
    integration: 'intX',
    labels: {},
    opened: '2026-03-02T00:00Z',
    resolved: 60,
    events: [['resolved', 60, 'u9']],
    alerts: 4
  });
  await occurrence(db, 'ws', 'intB', 'held', null, iso('2026-03-05T00:00Z'));
  await db.insertInto('incident_items').values({ incident_id: 'I3', item_id: 'ci-pay' }).execute();
  // I2's card carries the board label lbl-ops.
  await task(db, 'I2', { kind: 'incident', labels: ['lbl-ops'] });

  await page(db, 'I1', '2026-03-01T01:00Z', { step: 1, paged: ['Ann'], pagedUsers: ['u1'] });
  await page(db, 'I1', '2026-03-01T01:05Z', {
    step: 2,
    paged: ['Ann', 'Bo'],
    pagedUsers: ['u1', 'u2']
  });
  await page(db, 'I4', '2026-03-07T20:00Z', { step: 1, paged: ['Bo'], pagedUsers: ['u2'] });
  await page(db, 'I5', '2026-03-01T00:10Z', { step: 1, paged: ['Alice', 'channel:ch1'] });
  await page(db, 'I1', '2026-03-08T01:00Z', { step: 3, paged: ['Ann'], pagedUsers: ['u1'] });

  await change(db, 'c1', 'completed', '2026-03-01T00:00Z', '2026-03-01T04:00Z');
  await change(db, 'c2', 'failed', '2026-03-02T00:00Z', '2026-03-04T00:00Z');
  await change(db, 'c3', 'completed', '2026-03-05T00:00Z', '2026-03-05T02:00Z');
  await change(db, 'c4', 'cancelled', null, '2026-03-06T00:00Z');
  await db
    .insertInto('change_items')
    .values({ change_id: 'c3', workspace_id: 'ws', item_id: 'ci-pay' })
    .execute();
  for (const [incidentId, changeId] of [
    ['I2', 'c1'],
    ['I4', 'c2']
  ] as const) {
    await db
      .insertInto('incident_change_causes')
      .values({ incident_id: incidentId, change_id: changeId, marked_by: 'u1', at: FROM })
      .execute();
  }

  await run(db, 'succeeded', '2026-03-02T10:00Z');
  await run(db, 'failed', '2026-03-02T11:00Z');
  await run(db, 'succeeded', '2026-03-06T00:00Z');

  await task(db, 't1', {
    started: '2026-03-01T00:00Z',
    firstDone: '2026-03-02T00:00Z',
    done: '2026-03-06T00:00Z',
    due: '2026-03-03T00:00Z',
    labels: ['lbl-ops']
  });
  await task(db, 't2', {
    started: '2026-03-02T12:00Z',
    firstDone: '2026-03-03T12:00Z',
    labels: ['lbl-checkout']
  });
  await task(db, 't3', {
    started: '2026-02-20T00:00Z',
    firstDone: '2026-02-25T00:00Z',
    done: '2026-03-04T00:00Z',
    due: '2026-03-02T00:00Z'
  });
  await task(db, 't4', { due: '2026-03-05T00:00Z' });
  await task(db, 't5', {
    started: '2026-03-06T00:00Z',
    firstDone: '2026-03-07T12:00Z',
    done: '2026-03-07T12:00Z',
    due: '2026-03-06T12:00Z',
    links: [{ type: 'ci', target: 'ci-pay' }]
  });
  await task(db, 't6', {
    started: '2026-03-04T00:00Z',
    done: '2026-03-05T00:00Z',
    labels: ['lbl-ops']
  });
  await task(db, 't7', { due: '2026-03-09T00:00Z' });
  await task(db, 't8', { firstDone: '2026-03-07T17:30Z', done: '2026-03-07T17:30Z' });
  const a9Done = iso('2026-03-04T00:00Z');
  await db
    .insertInto('archived_tasks')
    .values({
      workspace_id: 'ws',
      task_id: 'a9',
      task_key: 'A9',
      title: 'Task a9',
      kind: 'task',
      status: 'done',
      assignee: null,
      labels: '[]',
      finished_at: a9Done,
      archived_at: a9Done,
      updated_at: a9Done,
      card: card('a9', {
        started: '2026-03-03T00:00Z',
        firstDone: '2026-03-04T00:00Z',
        done: '2026-03-04T00:00Z'
      }),
      item_client: null,
      item_clock: null,
      item_ids: '[]',
      search_text: 'a9'
    })
    .execute();
}

const stat = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    count: n,
    mean: sorted.reduce((a, b) => a + b, 0) / n,
    median: n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2,
    p90: sorted[Math.ceil(0.9 * n) - 1]
  };
};

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`report figures, filters and drill-down (${backend.name})`, () => {
    const open = async () => {
      const { records } = await openTestRecords(backend.name);
      await seed(records.db);
      return new ReportsService({ store: new ReportsStore(records) });
    };

    test('new figures and groupings against hand-computed values', async () => {
      const service = await open();
      const report = await service.kpis('ws', { from: FROM, to: TO, compare: 'previous' });
      const f = report.figures;
      expect(report.definitionsVersion).toBe(KPI_DEFINITIONS_VERSION);
      expect(report.unfiltered).toEqual([]);

      expect(f.mtta).toMatchObject({ count: 2, mean: 210, median: 210, p90: 300 });
      expect(f.mtta.bySeverity.high).toEqual(stat([120]));
      expect(f.mtta.bySeverity.critical).toEqual(stat([300]));
      expect(f.mtta.byService).toEqual({ checkout: stat([120]), payments: stat([300]) });
      expect(f.mtta.byTeam).toEqual({ DBA: stat([120, 300]) });
      expect(f.mttr).toMatchObject({ count: 3, mean: 1900, median: 1800, p90: 3000, open: 1 });
      expect(f.mttr.bySeverity.critical).toEqual(stat([1800]));
      expect(f.mttr.bySeverity.warning).toEqual(stat([3000]));
      expect(f.mttr.bySeverity.high).toEqual(stat([900]));
      expect(f.mttr.byService).toEqual({ checkout: stat([1800, 3000]), Payments: stat([900]) });
      expect(f.mttr.byTeam).toEqual({
        DBA: stat([1800]),
        Web: stat([3000]),
        '(none)': stat([900])
      });
      expect(f.incidents).toMatchObject({ opened: 4, resolved: 4, openAtEnd: 1 });

      expect(f.alertNoise).toMatchObject({ value: 2.75, alerts: 11, incidents: 4 });
      expect(f.alertNoise.alertsReceived).toBe(12);
      expect(f.alertNoise.autoResolved).toMatchObject({ count: 2, resolved: 3 });
      expect(f.alertNoise.autoResolved.value).toBeCloseTo(2 / 3, 12);
      expect(f.alertNoise.flapping).toMatchObject({ value: 1, share: 0.25 });

      expect(f.oncallLoad).toMatchObject({ value: 5, nightPages: 4 });
      expect(f.oncallLoad.byPerson).toEqual([
        { person: 'u1', pages: 2, nightPages: 2 },
        { person: 'u2', pages: 2, nightPages: 1 },
        { person: 'Alice', pages: 1, nightPages: 1 }
      ]);

      expect(f.changesFinished.byOutcome).toMatchObject({ completed: 2, failed: 1, cancelled: 1 });
      expect(f.changeSuccessRate.value).toBeCloseTo(2 / 3, 12);
      expect(f.dora.changeFailureRate).toMatchObject({ caused: 2, finished: 3 });
      expect(f.dora.leadTimeForChanges).toMatchObject({ value: 10800, count: 2, mean: 10800 });
      expect(f.dora.deploymentFrequency).toMatchObject({ deployments: 2, days: 7 });
      expect(f.dora.deploymentFrequency.value).toBeCloseTo(2 / 7, 12);
      expect(f.dora.timeToRestore).toMatchObject({ value: 3000, count: 1, mean: 3000 });

      expect(report.throughput).toBe(6);
      expect(f.cycleTime).toMatchObject({ count: 5, mean: 95040, median: 86400, p90: 129600 });
      expect(f.workInProgress.value).toBe(1);
      expect(f.overdue.value).toBe(1);
      expect(f.slaBreaches).toMatchObject({ value: 2, due: 4, met: 2, breachRate: 0.5 });
      expect(f.automationRuns.value).toBe(3);

      // Definitions of the new figures, versioned.
      expect(f.slaBreaches.definition).toEqual({
        id: 'sla_breaches',
        version: KPI_DEFINITIONS_VERSION,
        text: reportFigure('sla_breaches').text.en
      });
      expect(f.dora.timeToRestore.unit).toBe('seconds');

      // The series: 7 UTC days.
      const points = report.series.points;
      expect(report.series.bucket).toBe('day');
      expect(points.map((p) => p.start.slice(0, 10))).toEqual([
        '2026-03-01',
        '2026-03-02',
        '2026-03-03',
        '2026-03-04',
        '2026-03-05',
        '2026-03-06',
        '2026-03-07'
      ]);
      expect(points.map((p) => p.incidentsOpened)).toEqual([1, 1, 1, 0, 0, 0, 1]);
      expect(points.map((p) => p.alertsReceived)).toEqual([3, 5, 1, 0, 1, 0, 2]);
      expect(points.map((p) => p.mttaSeconds)).toEqual([120, null, null, null, null, null, 300]);
      expect(points.map((p) => p.mttrSeconds)).toEqual([1800, 3000, 900, null, null, null, null]);
      expect(points.map((p) => p.throughput)).toEqual([0, 1, 1, 1, 1, 0, 2]);
      expect(points.map((p) => p.cycleTimeSeconds)).toEqual([
        null,
        86400,
        86400,
        86400,
        86400,
        null,
        129600
      ]);
      expect(points.map((p) => p.changesFinished)).toEqual([1, 0, 0, 1, 1, 1, 0]);
      expect(points.map((p) => p.changesFailed)).toEqual([1, 0, 0, 1, 0, 0, 0]);
      expect(points.map((p) => p.changeFailureRate)).toEqual([1, null, null, 1, 0, null, null]);
      expect(points.map((p) => p.runsFinished)).toEqual([0, 2, 0, 0, 0, 1, 0]);
      expect(points.map((p) => p.runsSucceeded)).toEqual([0, 1, 0, 0, 0, 1, 0]);
      expect(points.reduce((sum, p) => sum + p.throughput, 0)).toBe(report.throughput);

      // The previous week: I5 opened (resolved after its end), t3 first done 02-25.
      expect(report.previous).toEqual({
        from: '2026-02-22T00:00:00.000Z',
        to: FROM,
        mttaSeconds: null,
        mttrSeconds: null,
        incidents: 1,
        changeSuccessRate: null,
        changeFailureRate: null,
        throughput: 1,
        cycleTimeSeconds: 432000,
        automationSuccessRate: null,
        alertsPerIncident: 1
      });
    });

    test('series and night pages in Asia/Shanghai', async () => {
      const service = await open();
      const report = await service.kpis('ws', { from: FROM, to: TO, timeZone: 'Asia/Shanghai' });
      const points = report.series.points;
      // Local days 03-01 … 03-08; the first and last are cut to the range.
      expect(points.map((p) => [p.start, p.end])[0]).toEqual([FROM, '2026-03-01T16:00:00.000Z']);
      expect(points.at(-1)).toMatchObject({ start: '2026-03-07T16:00:00.000Z', end: TO });
      expect(points).toHaveLength(8);
      // I3 opened 22:30Z on 03-03: 06:30 on 03-04 in Shanghai; I4 20:00Z on 03-07: 04:00 on 03-08.
      expect(points.map((p) => p.incidentsOpened)).toEqual([1, 1, 0, 1, 0, 0, 0, 1]);
      // t5 done 12:00Z on 03-07 (20:00 local), t8 17:30Z (01:30 on 03-08 local).
      expect(points.map((p) => p.throughput)).toEqual([0, 1, 1, 1, 1, 0, 1, 1]);
      expect(report.figures.oncallLoad).toMatchObject({ value: 5, nightPages: 1 });
      expect(report.figures.oncallLoad.byPerson).toEqual([
        { person: 'u1', pages: 2, nightPages: 0 },
        { person: 'u2', pages: 2, nightPages: 1 },
        { person: 'Alice', pages: 1, nightPages: 0 }
      ]);
      // A range of 90 days is in weeks (Monday 00:00 local), of 400 days in months.
      const weeks = await service.kpis('ws', {
        from: '2026-01-01T00:00:00Z',
        to: '2026-04-01T00:00:00Z',
        timeZone: 'Asia/Shanghai'
      });
      expect(weeks.series.bucket).toBe('week');
      expect(weeks.series.points[1]!.start).toBe('2026-01-04T16:00:00.000Z');
      const months = await service.kpis('ws', {
        from: '2025-03-01T00:00:00Z',
        to: '2026-04-05T00:00:00Z'
      });
      expect(months.series.bucket).toBe('month');
      expect(months.series.points).toHaveLength(14);
      expect(months.series.points.reduce((sum, p) => sum + p.incidentsOpened, 0)).toBe(
        months.incidents
      );
    });

    test('filters apply to every figure they can', async () => {
      const service = await open();
      const kpis = (filters: Record<string, unknown>) =>
        service.kpis('ws', { from: FROM, to: TO, filters });

      const critical = await kpis({ severity: 'critical' });
      expect(critical.incidents).toBe(2);
      expect(critical.figures.mtta).toMatchObject({ count: 2, mean: 210 });
      expect(critical.figures.mttr).toMatchObject({ count: 1, mean: 1800, open: 1 });
      expect(critical.figures.alertNoise).toMatchObject({ alerts: 5, alertsReceived: 5 });
      expect(critical.unfiltered).toContain('throughput');
      expect(critical.unfiltered).toContain('changesFinished');
      expect(critical.throughput).toBe(6);

      const checkout = await kpis({ service: 'checkout', serviceLabelIds: ['lbl-checkout'] });
      expect(checkout.incidents).toBe(2);
      expect(checkout.figures.mttr).toMatchObject({ count: 2, mean: 2400 });
      expect(checkout.throughput).toBe(1);
      expect(checkout.figures.changesFinished.value).toBe(0);
      expect(checkout.figures.alertNoise.alertsReceived).toBe(8);

      // The CI "Payments" names I3 by link; I4's service label says "payments".
      const payments = await kpis({ service: 'Payments', serviceLabelIds: [] });
      expect(payments.incidents).toBe(2);
      expect(payments.figures.incidents).toMatchObject({ resolved: 1, openAtEnd: 1 });
      expect(payments.figures.changesFinished.value).toBe(1);
      expect(payments.figures.dora.leadTimeForChanges.value).toBe(7200);
      expect(payments.throughput).toBe(1);
      expect(payments.figures.slaBreaches).toMatchObject({ value: 1, due: 1 });
      expect(payments.figures.alertNoise.alertsReceived).toBe(3);
      expect(payments.unfiltered).toEqual(['automationRuns', 'automationSuccessRate']);

      const dba = await kpis({ team: 'dba' });
      expect(dba.incidents).toBe(2);
      expect(dba.figures.oncallLoad).toMatchObject({ value: 4, nightPages: 3 });
      expect(dba.figures.mttr.byTeam).toEqual({ DBA: stat([1800]) });
      expect((await kpis({ team: 'polWeb' })).incidents).toBe(1);

      const ops = await kpis({ label: 'ops', labelIds: ['lbl-ops'] });
      expect(ops.incidents).toBe(1);
      expect(ops.figures.alertNoise.flapping.value).toBe(1);
      expect(ops.throughput).toBe(2);
      expect(ops.filters).toEqual({ service: null, label: 'ops', team: null, severity: null });
      const none = await kpis({ label: 'nope', labelIds: [] });
      expect(none).toMatchObject({ incidents: 0, throughput: 0 });
    });

    test('drill-down lists exactly what each figure counted', async () => {
      const service = await open();
      const report = await service.kpis('ws', { from: FROM, to: TO });
      const items = (figure: string, extra: Record<string, unknown> = {}) =>
        service.items('ws', { from: FROM, to: TO, figure, ...extra });

      const mttr = await items('mttr');
      expect(mttr.map((i) => [i.id, i.valueSeconds])).toEqual([
        ['I1', 1800],
        ['I2', 3000],
        ['I3', 900]
      ]);
      expect(mttr[0]).toMatchObject({
        type: 'incident',
        key: 'OPS-1',
        title: 'Incident I1',
        url: '/w/ws/incidents/OPS-1',
        at: iso('2026-03-01T01:00Z')
      });
      expect(mttr[1]!.url).toBe('/w/ws/incidents/I2');
      const counts: [string, number][] = [
        ['mtta', report.figures.mtta.count],
        ['incidents', report.incidents],
        ['auto_resolved', report.figures.alertNoise.autoResolved.count],
        ['flapping', 1],
        ['oncall_load', report.figures.oncallLoad.value!],
        ['throughput', report.throughput],
        ['cycle_time', report.figures.cycleTime.count],
        ['work_in_progress', 1],
        ['overdue', 1],
        ['sla_breaches', 2],
        ['changes_finished', 4],
        ['change_failure_rate', 2],
        ['change_success_rate', 2],
        ['deployment_frequency', 2],
        ['change_lead_time', 2],
        ['time_to_restore', 1],
        ['automation_runs', 3],
        ['automation_success_rate', 2]
      ];
      for (const [figure, n] of counts) expect(await items(figure), figure).toHaveLength(n);

      expect((await items('sla_breaches')).map((i) => [i.id, i.valueSeconds, i.url])).toEqual([
        ['t4', 259200, '/w/ws/tasks/T4'],
        ['t5', 86400, '/w/ws/tasks/T5']
      ]);
      expect(
        (await items('mttr', { group: 'critical', groupBy: 'severity' })).map((i) => i.id)
      ).toEqual(['I1']);
      expect((await items('mttr', { group: 'Web' })).map((i) => i.id)).toEqual(['I2']);
      expect(
        (await items('oncall_load', { group: 'u2', groupBy: 'person' })).map((i) => i.id)
      ).toEqual(['I1', 'I4']);
      const march7 = report.series.points[6]!.start;
      expect((await items('throughput', { bucket: march7 })).map((i) => i.id)).toEqual([
        't5',
        't8'
      ]);
      expect((await items('automation_runs'))[0]!.url).toBe('/w/ws/runs/run-' + String(runSeq - 2));
      // Filters narrow the drill-down as they narrow the figure.
      expect((await items('incidents', { filters: { team: 'DBA' } })).map((i) => i.id)).toEqual([
        'I1',
        'I4'
      ]);
    });
  });
}
