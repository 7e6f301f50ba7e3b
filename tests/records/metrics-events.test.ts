/**
 * The KPI metrics move when their events happen (metrics-service.ts, wired in the composition
 * root), in a running node on both databases with a fake clock: an alert delivery counts its new
 * occurrences and opens an incident; acknowledging it 90 s later lands in the 120 s bucket;
 * resolving it closes it; a completed change, a succeeded and a failed run, and a task moved to
 * done each count once. A new node on the same records starts from the open incidents there.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { createRuntime } from '../../entries/composition-root';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import type { Config } from '../../src/lib/server/config';
import { boardDocName } from '../../src/lib/shared/doc-name';
import { moveTask } from '../../src/lib/shared/board/board-model';
import { serverOrigin } from '../../sync-server/update-origin';
import { databaseTargetFor } from '../helpers/database';
import { recordsBackends } from '../helpers/records';
import { openAccess, tempDataDir } from '../helpers/sync-server';

const WS = 'metrics';
const T0 = Date.parse('2026-12-07T02:00:00Z');

const running: Runtime[] = [];
afterEach(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
});

async function until<T>(what: string, check: () => Promise<T | null>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The value of one sample (`name` with exactly these labels' values) as a scrape sees it (the
 * scrape reads the open incidents from the records), or undefined.
 */
async function sample(
  runtime: Runtime,
  name: string,
  labels: Record<string, string> = {}
): Promise<number | undefined> {
  await runtime.metrics.exposition();
  for (const metric of await runtime.metrics.registry.getMetricsAsJSON()) {
    for (const value of metric.values) {
      const sampleName = (value as { metricName?: string }).metricName ?? metric.name;
      if (sampleName !== name) continue;
      const matches = Object.entries(labels).every(
        ([key, want]) => String((value.labels as Record<string, unknown>)[key]) === want
      );
      if (matches) return value.value;
    }
  }
  return undefined;
}

async function start(config: Config, clock: { now: number }): Promise<Runtime> {
  const runtime = await createRuntime(config, {
    logger: createLogger('error'),
    onAuthenticate: openAccess,
    now: () => clock.now,
    escalationTickMs: 3_600_000,
    automation: { scheduleTickMs: 3_600_000, pollMs: 50 }
  });
  running.push(runtime);
  return runtime;
}

async function setUp(backend: (typeof recordsBackends)[number]['name']) {
  const clock = { now: T0 };
  const dataDir = tempDataDir('runboard-metrics-');
  const target = await databaseTargetFor(dataDir, backend);
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'error',
    origin: undefined,
    secretKey: Buffer.alloc(32, 7),
    shutdown: { drainSeconds: 0, timeoutSeconds: 20 },
    ...('databaseUrl' in target ? { databaseUrl: target.databaseUrl } : {})
  };
  const runtime = await start(config, clock);
  const owner = await runtime.accounts.createUser({
    email: 'ann@example.test',
    name: 'Ann',
    passwordHash: null
  });
  await runtime.accounts.createWorkspace('Metrics', owner.id, WS);
  const { integration } = await runtime.alerts.createIntegration(
    WS,
    { type: 'alertmanager', name: 'AM' },
    null
  );
  const record = (await runtime.alertsStore.integration(integration.id))!;
  const fixture = JSON.parse(
    readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8')
  ) as { alerts: { fingerprint: string; startsAt: string }[] };
  const fire = (group: string) =>
    runtime.alerts.receive(record, {
      ...fixture,
      groupKey: group,
      alerts: fixture.alerts.map((a) => ({
        ...a,
        fingerprint: `${a.fingerprint}-${group}`,
        startsAt: new Date(clock.now).toISOString()
      }))
    });
  /** The same alerts (fired at `firedAt`), resolved now: Alertmanager's resolved notification. */
  const clear = (group: string, firedAt: number) =>
    runtime.alerts.receive(record, {
      ...fixture,
      status: 'resolved',
      groupKey: group,
      alerts: fixture.alerts.map((a) => ({
        ...a,
        status: 'resolved',
        fingerprint: `${a.fingerprint}-${group}`,
        startsAt: new Date(firedAt).toISOString(),
        endsAt: new Date(clock.now).toISOString()
      }))
    });
  return {
    runtime,
    config,
    clock,
    owner: owner.id,
    fire,
    clear,
    alertsPerDelivery: fixture.alerts.length
  };
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`metrics follow the events (${backend.name})`, () => {
    test('alerts, incident lifecycle, and the open level read again by a new node', async () => {
      const { runtime, config, clock, owner, fire, clear, alertsPerDelivery } = await setUp(
        backend.name
      );
      const ws = { workspace: WS };
      // The workspace's series exist at 0 before its first event (docs/metrics.md).
      expect(await sample(runtime, 'runboard_alerts_received_total', ws)).toBe(0);

      const first = await fire('a');
      expect(first.opened).toHaveLength(1);
      expect(await sample(runtime, 'runboard_alerts_received_total', ws)).toBe(alertsPerDelivery);
      expect(await sample(runtime, 'runboard_incidents_open', ws)).toBe(1);

      // A re-send of the same occurrences is no new alert and no new incident.
      await fire('a');
      expect(await sample(runtime, 'runboard_alerts_received_total', ws)).toBe(alertsPerDelivery);
      expect(await sample(runtime, 'runboard_incidents_open', ws)).toBe(1);

      const second = await fire('b');
      expect(await sample(runtime, 'runboard_alerts_received_total', ws)).toBe(
        2 * alertsPerDelivery
      );
      expect(await sample(runtime, 'runboard_incidents_open', ws)).toBe(2);

      // Acknowledged after 90 s: one observation, in the 120 s bucket and not the 60 s one.
      clock.now = T0 + 90_000;
      await runtime.alerts.transition(WS, first.opened[0]!, 'acknowledged', owner);
      const ack = { workspace: WS, severity: 'critical' };
      expect(await sample(runtime, 'runboard_incident_acknowledge_seconds_count', ack)).toBe(1);
      expect(await sample(runtime, 'runboard_incident_acknowledge_seconds_sum', ack)).toBe(90);
      expect(
        await sample(runtime, 'runboard_incident_acknowledge_seconds_bucket', { ...ack, le: '60' })
      ).toBe(0);
      expect(
        await sample(runtime, 'runboard_incident_acknowledge_seconds_bucket', { ...ack, le: '120' })
      ).toBe(1);
      // A retried acknowledgement changes nothing.
      await runtime.alerts.transition(WS, first.opened[0]!, 'acknowledged', owner);
      expect(await sample(runtime, 'runboard_incident_acknowledge_seconds_count', ack)).toBe(1);

      // Resolved after 2 h: one fewer open, one time to resolve of 7200 s.
      clock.now = T0 + 7_200_000;
      await runtime.alerts.transition(WS, first.opened[0]!, 'resolved', owner);
      expect(await sample(runtime, 'runboard_incidents_open', ws)).toBe(1);
      expect(await sample(runtime, 'runboard_incident_resolve_seconds_count', ack)).toBe(1);
      expect(await sample(runtime, 'runboard_incident_resolve_seconds_sum', ack)).toBe(7200);
      expect(
        await sample(runtime, 'runboard_incident_resolve_seconds_bucket', { ...ack, le: '3600' })
      ).toBe(0);
      expect(
        await sample(runtime, 'runboard_incident_resolve_seconds_bucket', { ...ack, le: '7200' })
      ).toBe(1);
      // Resolving an unacknowledged incident acknowledges it too (its MTTA is its MTTR).
      await runtime.alerts.transition(WS, second.opened[0]!, 'resolved', owner);
      expect(await sample(runtime, 'runboard_incidents_open', ws)).toBe(0);
      expect(await sample(runtime, 'runboard_incident_acknowledge_seconds_count', ack)).toBe(2);

      // A third incident resolves itself 10 min later when its alerts do: no acknowledgement.
      await fire('c');
      expect(await sample(runtime, 'runboard_incidents_open', ws)).toBe(1);
      clock.now = T0 + 7_800_000;
      expect((await clear('c', T0 + 7_200_000)).resolved).toHaveLength(1);
      expect(await sample(runtime, 'runboard_incidents_open', ws)).toBe(0);
      expect(await sample(runtime, 'runboard_incident_resolve_seconds_count', ack)).toBe(3);
      expect(await sample(runtime, 'runboard_incident_resolve_seconds_sum', ack)).toBe(
        7200 + 7200 + 600
      );
      expect(await sample(runtime, 'runboard_incident_acknowledge_seconds_count', ack)).toBe(2);
      // Firing again within the reopen window: the same incident, open again, new occurrences.
      clock.now = T0 + 8_400_000;
      expect((await fire('c')).reopened).toHaveLength(1);
      expect(await sample(runtime, 'runboard_incidents_open', ws)).toBe(1);
      expect(await sample(runtime, 'runboard_alerts_received_total', ws)).toBe(
        4 * alertsPerDelivery
      );

      // A new node on the same records starts from the incident still open.
      await runtime.close();
      running.splice(running.indexOf(runtime), 1);
      const again = await start(config, clock);
      expect(await sample(again, 'runboard_incidents_open', ws)).toBe(1);
      // Counters are this node's since it started: at 0 again.
      expect(await sample(again, 'runboard_alerts_received_total', ws)).toBe(0);
    });

    test('changes finished, automation runs and tasks done', async () => {
      const { runtime, owner } = await setUp(backend.name);
      const actor = { userId: owner, role: 'owner' as const };

      const change = await runtime.changes.createChange(
        WS,
        {
          title: 'Swap the disk',
          type: 'emergency',
          items: [],
          windowStart: '2026-12-07T03:00:00Z',
          windowEnd: '2026-12-07T04:00:00Z'
        },
        owner
      );
      for (const to of ['submitted', 'in_progress', 'completed'] as const) {
        await runtime.changes.transition(WS, change.id, to, actor);
      }
      expect(
        await sample(runtime, 'runboard_changes_finished_total', {
          workspace: WS,
          outcome: 'completed'
        })
      ).toBe(1);
      const cancelled = await runtime.changes.createChange(
        WS,
        {
          title: 'Not needed',
          type: 'normal',
          items: [],
          windowStart: '2026-12-08T03:00:00Z',
          windowEnd: '2026-12-08T04:00:00Z'
        },
        owner
      );
      await runtime.changes.transition(WS, cancelled.id, 'cancelled', actor);
      expect(
        await sample(runtime, 'runboard_changes_finished_total', {
          workspace: WS,
          outcome: 'cancelled'
        })
      ).toBe(1);
      expect(
        await sample(runtime, 'runboard_changes_finished_total', {
          workspace: WS,
          outcome: 'completed'
        })
      ).toBe(1);

      for (const [script, state] of [
        ['exit 0', 'succeeded'],
        ['exit 3', 'failed']
      ] as const) {
        const job = await runtime.automation.createJob(
          WS,
          { name: `Job ${state}`, kind: 'shell', script },
          owner
        );
        const run = await runtime.automation.startRun(WS, job.id, {}, { userId: owner }, 'api');
        runtime.automationRunner.kick();
        await until(`the run to end ${state}`, async () =>
          (await runtime.automation.getRun(WS, run.id)).state === state ? true : null
        );
        await until(`runboard_automation_runs_total{state="${state}"}`, async () =>
          (await sample(runtime, 'runboard_automation_runs_total', { workspace: WS, state })) === 1
            ? true
            : null
        );
      }

      const task = await runtime.board.createTask(WS, { title: 'Rotate the logs' }, owner);
      const move = (status: string) =>
        runtime.docStore.transact(
          boardDocName(WS),
          (doc) => moveTask(doc, task.id, { status }),
          serverOrigin(owner)
        );
      expect(await sample(runtime, 'runboard_tasks_done_total', { workspace: WS })).toBe(0);
      await move('done');
      expect(await sample(runtime, 'runboard_tasks_done_total', { workspace: WS })).toBe(1);
      // Moving within done is not done again, and neither is out and back in: a task counts
      // once, at its first completion, as in the reports' throughput.
      await move('done');
      expect(await sample(runtime, 'runboard_tasks_done_total', { workspace: WS })).toBe(1);
      await move('todo');
      await move('done');
      expect(await sample(runtime, 'runboard_tasks_done_total', { workspace: WS })).toBe(1);
      // A task created straight into done is done for the first time then.
      await runtime.board.createTask(WS, { title: 'Already done', status: 'done' }, owner);
      expect(await sample(runtime, 'runboard_tasks_done_total', { workspace: WS })).toBe(2);
    });
  });
}
