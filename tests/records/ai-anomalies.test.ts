/**
 * Anomalies on both backends (anomalies/anomalies-service.ts, docs/ai.md "Anomalies"): events computed
 * from the records (alert occurrences per service, tasks created per label) with four weeks of
 * history before the range; the cap on groups; and the message of a new event, queued exactly
 * once when two schedulers look at once and again after a restart, delivered to a local
 * capture server as the generic webhook's JSON.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createRuntime } from '../../entries/composition-root';
import { AnomalyService } from '../../src/lib/server/anomalies/anomalies-service';
import { AnomalyStore } from '../../src/lib/server/anomalies/anomalies-store';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { MAX_ANOMALY_GROUPS } from '../../src/lib/shared/ai/anomaly';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server';
import { databaseTargetFor } from '../helpers/database';
import { recordsBackends } from '../helpers/records';
import { openAccess, tempDataDir } from '../helpers/sync-server';

const WS = 'anomalies';
const HOUR = 3_600_000;
/** The burst is in the hour before T0. */
const T0 = Date.parse('2026-12-09T10:00:00Z');
const BURST = T0 - HOUR;

const running: Runtime[] = [];
const captures: CaptureServer[] = [];
afterEach(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
  for (const capture of captures.splice(0)) await capture.close();
});

type Backend = (typeof recordsBackends)[number]['name'];

async function node(dataDir: string, backend: Backend, clock: { now: number }) {
  const target = await databaseTargetFor(dataDir, backend);
  const runtime = await createRuntime(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'error',
      origin: 'https://runboard.test',
      secretKey: Buffer.alloc(32, 5),
      ...('databaseUrl' in target ? { databaseUrl: target.databaseUrl } : {})
    },
    {
      logger: createLogger('error'),
      onAuthenticate: openAccess,
      now: () => clock.now,
      anomalyTickMs: 3_600_000,
      weeklyReportTickMs: 3_600_000,
      delivery: { baseRetryMs: 20, maxRetryMs: 80, maxAttempts: 4, pollMs: 20, timeoutMs: 2000 }
    }
  );
  running.push(runtime);
  // The test drives the scheduler itself.
  await runtime.anomalies.stop();
  return runtime;
}

/** A scheduler of its own over `runtime`'s records (what another node runs). */
function scheduler(runtime: Runtime, clock: { now: number }): AnomalyService {
  return new AnomalyService({
    store: new AnomalyStore(runtime.records),
    notifier: runtime.notifications,
    labels: async () => [{ id: 'l-ops', name: 'ops' }],
    logger: createLogger('error'),
    now: () => clock.now
  });
}

/**
 * Five weeks of history: db-01 has 2 alerts every hour and 30 in the burst hour; `quiet-<n>`
 * services have one alert each (more groups than the cap); label `l-ops` gets one task a day at
 * 09:00 UTC and 10 in the burst hour.
 */
async function seed(runtime: Runtime) {
  const occurrences: {
    integration_id: string;
    fingerprint: string;
    starts_at: string;
    workspace_id: string;
    incident_id: null;
    status: string;
    ends_at: null;
    labels: string;
    annotations: string;
    generator_url: null;
    first_received_at: string;
    last_received_at: string;
    held_by: null;
  }[] = [];
  const alert = (service: string, at: number, n: number) => {
    const iso = new Date(at).toISOString();
    occurrences.push({
      integration_id: 'int-1',
      fingerprint: `${service}-${at}-${n}`,
      starts_at: iso,
      workspace_id: WS,
      incident_id: null,
      status: 'firing',
      ends_at: null,
      labels: JSON.stringify({ alertname: 'X', service }),
      annotations: '{}',
      generator_url: null,
      first_received_at: iso,
      last_received_at: iso
    } as (typeof occurrences)[number]);
  };
  const start = BURST - 35 * 24 * HOUR;
  for (let at = start; at < BURST; at += HOUR) {
    alert('db-01', at + 60_000, 0);
    alert('db-01', at + 120_000, 1);
  }
  for (let n = 0; n < 30; n++) alert('db-01', BURST + n * 60_000, n);
  const recent = BURST - 10 * 24 * HOUR;
  for (let n = 0; n < MAX_ANOMALY_GROUPS + 5; n++) alert(`quiet-${n}`, recent + n * HOUR, 0);
  for (let i = 0; i < occurrences.length; i += 200) {
    await runtime.records.db
      .insertInto('alert_occurrences')
      .values(occurrences.slice(i, i + 200))
      .execute();
  }
  // Archived tasks: live cards are mirrored from the board document, which has none here.
  const cards: {
    workspace_id: string;
    task_id: string;
    task_key: null;
    title: string;
    kind: string;
    status: string;
    assignee: null;
    labels: string;
    finished_at: string;
    archived_at: string;
    updated_at: string;
    card: string;
    item_client: null;
    item_clock: null;
    item_ids: string;
    search_text: string;
  }[] = [];
  const task = (id: string, at: number) => {
    const done = new Date(at + HOUR).toISOString();
    cards.push({
      workspace_id: WS,
      task_id: id,
      task_key: null,
      title: id,
      kind: 'task',
      status: 'done',
      assignee: null,
      labels: JSON.stringify(['l-ops']),
      finished_at: done,
      archived_at: done,
      updated_at: done,
      card: JSON.stringify({ title: id, createdAt: new Date(at).toISOString(), labels: ['l-ops'] }),
      item_client: null,
      item_clock: null,
      item_ids: '[]',
      search_text: id
    });
  };
  for (let d = 1; d <= 35; d++) task(`daily-${d}`, BURST - d * 24 * HOUR + 300_000);
  for (let n = 0; n < 10; n++) task(`burst-${n}`, BURST + n * 60_000);
  await runtime.records.db.insertInto('archived_tasks').values(cards).execute();
}

describe.each(recordsBackends)('anomalies on $name', ({ name, skip }) => {
  test.skipIf(skip !== null)(
    'finds the bursts from the records, and notifies each new one exactly once',
    async () => {
      const clock = { now: T0 - 3 * HOUR };
      const dataDir = tempDataDir('runboard-anomalies-');
      const first = await node(dataDir, name, clock);
      const owner = await first.accounts.createUser({
        email: 'ann@example.test',
        name: 'Ann',
        passwordHash: null
      });
      await first.accounts.createWorkspace('Anomalies', owner.id, WS);
      await seed(first);

      // The API's answer: events in the day of the burst, with history read before it.
      const day = { from: '2026-12-09T00:00:00.000Z', to: '2026-12-10T00:00:00.000Z' };
      const answer = await first.anomalies.events(WS, day);
      expect(answer.events).toEqual([
        expect.objectContaining({
          series: 'alerts',
          groupKind: 'service',
          group: 'db-01',
          start: '2026-12-09T09:00:00.000Z',
          end: '2026-12-09T10:00:00.000Z',
          observed: 30,
          expected: 2
        }),
        expect.objectContaining({
          series: 'tasks',
          groupKind: 'label',
          group: 'l-ops',
          labelId: 'l-ops',
          start: '2026-12-09T09:00:00.000Z',
          observed: 10,
          expected: 1
        })
      ]);
      expect(answer.events[0]!.peakScore).toBeGreaterThan(6);
      // db-01, l-ops and 25 quiet services: the busiest 20 services and the one label.
      expect(answer.groups).toEqual({
        total: MAX_ANOMALY_GROUPS + 7,
        evaluated: MAX_ANOMALY_GROUPS + 1,
        max: MAX_ANOMALY_GROUPS
      });
      // Filters pick their group; the day before has no anomaly.
      expect((await first.anomalies.events(WS, { ...day, series: 'tasks' })).events).toHaveLength(
        1
      );
      expect(
        (await first.anomalies.events(WS, { ...day, service: 'DB-01' })).events.map((e) => e.group)
      ).toEqual(['db-01']);
      expect(
        (
          await first.anomalies.events(WS, {
            from: '2026-12-08T00:00:00.000Z',
            to: '2026-12-09T00:00:00.000Z'
          })
        ).events
      ).toEqual([]);

      // The message: off by default; turned on (in Chinese) before the burst.
      expect(await first.anomalies.settings(WS, 'en')).toMatchObject({ notify: false });
      const capture = await startCaptureServer();
      captures.push(capture);
      const channel = await first.notifications.createChannel(
        WS,
        { type: 'webhook', name: 'Hook', url: `${capture.url}/hook`, secret: 's' },
        { actorId: owner.id, locale: 'en', requestOrigin: 'https://runboard.test' }
      );
      await expect(
        first.anomalies.update(WS, { notify: true }, { actorId: owner.id, locale: 'en' })
      ).rejects.toMatchObject({ code: 'invalid_input' });
      await first.anomalies.update(
        WS,
        { notify: true, channelId: channel.id, locale: 'zh-CN' },
        { actorId: owner.id, locale: 'en' }
      );

      // Two nodes on PostgreSQL; on SQLite two schedulers in one process; both look at once.
      // (A node's own scheduler looks once as it starts: before the burst, it finds nothing.)
      const second = name === 'postgres' ? await node(dataDir, name, clock) : first;
      clock.now = T0 + 5 * 60_000;
      const a = scheduler(first, clock);
      const b = scheduler(second, clock);
      const [gotA, gotB] = await Promise.all([a.runDue(), b.runDue()]);
      expect(gotA + gotB).toBe(2);
      // Again, and after a restart: nothing more.
      expect(await a.runDue()).toBe(0);
      await first.close();
      running.splice(running.indexOf(first), 1);
      const restarted = await node(dataDir, name, clock);
      expect(await scheduler(restarted, clock).runDue()).toBe(0);
      restarted.notifications.kick();

      const hooks = () => capture.requests.filter((r) => r.path === '/hook');
      const deadline = Date.now() + 10_000;
      while (hooks().length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const keys = hooks().map((r) => r.headers['x-runboard-idempotency-key']);
      // Two messages queued; the outbox delivers at least once (a node closed mid-delivery may
      // send one again), with the same idempotency key for the receiver to drop the repeat.
      expect(new Set(keys).size).toBe(2);
      const rows = await restarted.records.db
        .selectFrom('outbox')
        .select(['idempotency_key', 'event'])
        .where('workspace_id', '=', WS)
        .where('event', '=', 'ai.anomaly')
        .execute();
      expect(rows).toHaveLength(2);
      const alertMessage = hooks().find((r) =>
        String(r.headers['x-runboard-idempotency-key']).includes(':alerts:')
      )!;
      expect(alertMessage.headers['x-runboard-event']).toBe('ai.anomaly');
      expect(alertMessage.headers['x-runboard-idempotency-key']).toBe(
        `ai.anomaly:${WS}:alerts:service:db-01:2026-12-09T09:00:00.000Z`
      );
      expect(alertMessage.body).toMatchObject({
        event: 'ai.anomaly',
        anomaly: { locale: 'zh-CN', series: 'alerts', group: 'db-01', observed: 30, expected: 2 }
      });
      const claims = await restarted.records.db
        .selectFrom('ai_anomaly_claims')
        .selectAll()
        .where('workspace_id', '=', WS)
        .execute();
      expect(claims.map((c) => `${c.series}:${c.group_value}`).sort()).toEqual([
        'alerts:db-01',
        'tasks:l-ops'
      ]);
    },
    60_000
  );
});
