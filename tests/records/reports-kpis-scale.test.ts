/**
 * A report stays well under a second on a large workspace: 100,000 task cards on the board
 * (each the size of a real card), 20,000 archived tasks, 20,000 incidents with their timelines,
 * 5,000 changes and 20,000 runs, on both backends. The report reads only the rows of its range
 * by index, plus one pass over the board's cards; it never reads alert occurrences, so their
 * number (1,000,000 in the brief) does not enter the cost.
 */
import { describe, expect, test } from 'vitest';
import type { RecordsDb } from '../../src/lib/server/db/records';
import { ReportsService } from '../../src/lib/server/reports/reports-service';
import { ReportsStore } from '../../src/lib/server/reports/reports-store';
import { openTestRecords, recordsBackends } from '../helpers/records';

const DAY = 86_400_000;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

async function batches<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>, size = 500) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

async function seed(db: RecordsDb) {
  const filler =
    'Rotate the certificates of the payment gateway and check the load balancer. '.repeat(4);
  const cards = Array.from({ length: 100_000 }, (_, i) => {
    const started = T0 + (i % 365) * DAY;
    const done = i % 3 === 0 ? null : started + (i % 48) * 3_600_000;
    return {
      workspace_id: 'ws',
      task_id: `t${i}`,
      key_upper: `OPS-${i}`,
      kind: i % 10 === 0 ? 'incident' : 'task',
      started_at: at(started),
      done_at: done === null ? null : at(done),
      due_at: at(started + 2 * DAY),
      card: JSON.stringify({
        id: `t${i}`,
        key: `OPS-${i}`,
        kind: i % 10 === 0 ? 'incident' : 'task',
        title: `Task ${i}`,
        description: filler,
        status: done === null ? 'doing' : 'done',
        labels: ['net', 'db'],
        priority: 'high',
        assignee: 'alice',
        createdAt: at(started - DAY),
        startedAt: at(started),
        doneAt: done === null ? null : at(done),
        dueAt: at(started + 2 * DAY)
      })
    };
  });
  await batches(cards, (chunk) => db.insertInto('task_cards').values(chunk).execute());
  const archived = Array.from({ length: 20_000 }, (_, i) => {
    const done = at(T0 + (i % 365) * DAY);
    return {
      workspace_id: 'ws',
      task_id: `a${i}`,
      task_key: null,
      title: `Archived ${i}`,
      kind: 'task',
      status: 'done',
      assignee: null,
      labels: '[]',
      finished_at: done,
      archived_at: done,
      updated_at: done,
      card: JSON.stringify({ id: `a${i}`, kind: 'task', startedAt: done, doneAt: done }),
      item_client: null,
      item_clock: null,
      item_ids: '[]',
      search_text: `archived ${i}`
    };
  });
  await batches(archived, (chunk) => db.insertInto('archived_tasks').values(chunk).execute());
  const incidents = Array.from({ length: 20_000 }, (_, i) => {
    const opened = T0 + Math.floor((i * 365 * DAY) / 20_000);
    return {
      id: `i${i}`,
      workspace_id: 'ws',
      integration_id: 'int',
      dedupe_key: `i${i}`,
      title: `Incident ${i}`,
      severity: ['critical', 'high', 'warning', 'info'][i % 4]!,
      state: 'resolved',
      labels: '{}',
      annotations: '{}',
      opened_at: at(opened),
      acknowledged_at: at(opened + 60_000),
      acknowledged_by: 'u',
      resolved_at: at(opened + 3_600_000),
      resolved_by: 'u',
      closed_at: null,
      closed_by: null,
      alerts_cleared_at: null,
      reopen_count: 0,
      flapping: 0,
      board_state: '',
      task_key: null,
      updated_at: at(opened),
      routed_channels: null,
      assignee: null,
      escalation_policy_id: null
    };
  });
  await batches(incidents, (chunk) => db.insertInto('incidents').values(chunk).execute(), 200);
  const events = incidents.flatMap((incident) => [
    {
      workspace_id: 'ws',
      incident_id: incident.id,
      at: incident.acknowledged_at,
      type: 'acknowledged',
      actor: 'u',
      data: '{}'
    },
    {
      workspace_id: 'ws',
      incident_id: incident.id,
      at: incident.resolved_at,
      type: 'resolved',
      actor: 'u',
      data: '{}'
    }
  ]);
  await batches(events, (chunk) => db.insertInto('incident_events').values(chunk).execute());
  const runs = Array.from({ length: 20_000 }, (_, i) => ({
    id: `r${i}`,
    workspace_id: 'ws',
    job_id: 'job',
    job_name: 'job',
    kind: 'shell',
    state: i % 5 === 0 ? 'failed' : 'succeeded',
    origin: 'manual',
    purpose: null,
    check_mode: 0,
    parameters: '{}',
    spec: '{}',
    max_concurrent: 1,
    requested_by: 'u',
    task_id: null,
    change_id: null,
    incident_id: null,
    runbook_id: null,
    runbook_block: null,
    gate: null,
    runner_id: null,
    claimed_by: null,
    exit_code: 0,
    reason: null,
    summary: null,
    log_bytes: 0,
    log_truncated: 0,
    created_at: at(T0 + (i % 365) * DAY),
    started_at: at(T0 + (i % 365) * DAY),
    finished_at: at(T0 + (i % 365) * DAY + 1000),
    heartbeat_at: null,
    cancel_requested: 0
  }));
  await batches(runs, (chunk) => db.insertInto('automation_runs').values(chunk).execute(), 200);
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`reports at scale (${backend.name})`, () => {
    test('a 30-day report of a large workspace takes well under a second', async () => {
      const { records } = await openTestRecords(backend.name);
      await seed(records.db);
      const service = new ReportsService({ store: new ReportsStore(records) });
      const query = { from: '2025-06-01T00:00:00Z', to: '2025-07-01T00:00:00Z' };
      await service.kpis('ws', query); // warm the caches and statement plans
      const started = performance.now();
      const report = await service.kpis('ws', query);
      const elapsed = performance.now() - started;
      // 20,000 incidents over 365 days, 30 of them: ⌈30 · 20000 / 365⌉ = 1644 or 1643.
      expect(report.incidents).toBeGreaterThan(1600);
      expect(report.mttaSeconds).toBe(60);
      expect(report.mttrSeconds).toBe(3600);
      expect(report.throughput).toBeGreaterThan(5000);
      expect(elapsed, `${elapsed.toFixed(0)} ms`).toBeLessThan(1000);
      console.log(`${backend.name}: report in ${elapsed.toFixed(0)} ms`);
    }, 180_000);
  });
}
