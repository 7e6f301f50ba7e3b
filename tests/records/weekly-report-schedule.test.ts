/**
 * The weekly report's scheduler on both backends (weekly-report-service.ts `runDue`, the
 * store's `claimWeek`): a report falls due at its weekday and hour in its time zone, never for a
 * time before it was turned on; two schedulers looking at once (two nodes on PostgreSQL, two
 * rounds on one SQLite file) queue it exactly once; a restart queues nothing again; after three
 * weeks of downtime only the latest missed week is queued, once.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createRuntime } from '../../entries/composition-root';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { WeeklyReportService } from '../../src/lib/server/weekly-report/weekly-report-service';
import { WeeklyReportStore } from '../../src/lib/server/weekly-report/weekly-report-store';
import { weeklyReportContentSchema } from '../../src/lib/shared/weekly-report/schema';
import { databaseTargetFor } from '../helpers/database';
import { recordsBackends } from '../helpers/records';
import { openAccess, tempDataDir } from '../helpers/sync-server';

const WS = 'weekly';
// Wednesday 2026-12-09 18:00 in Shanghai.
const T0 = Date.parse('2026-12-09T10:00:00Z');

const running: Runtime[] = [];
afterEach(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
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
      secretKey: Buffer.alloc(32, 9),
      ...('databaseUrl' in target ? { databaseUrl: target.databaseUrl } : {})
    },
    {
      logger: createLogger('error'),
      onAuthenticate: openAccess,
      now: () => clock.now,
      weeklyReportTickMs: 3_600_000,
      // Nothing listens on the channel: messages stay pending, retried an hour later.
      delivery: { baseRetryMs: 3_600_000, pollMs: 3_600_000 }
    }
  );
  running.push(runtime);
  // The test drives the scheduler itself.
  await runtime.weeklyReports.stop();
  return runtime;
}

/** A scheduler of its own over `runtime`'s records (what another node runs). */
function scheduler(runtime: Runtime, clock: { now: number }): WeeklyReportService {
  return new WeeklyReportService({
    store: new WeeklyReportStore(runtime.records),
    reports: runtime.reports,
    notifier: runtime.notifications,
    workspaceName: async () => 'Weekly',
    logger: createLogger('error'),
    now: () => clock.now
  });
}

async function reportsQueued(runtime: Runtime) {
  const rows = await runtime.records.db
    .selectFrom('outbox')
    .select(['idempotency_key', 'payload', 'channel_id'])
    .where('workspace_id', '=', WS)
    .where('event', '=', 'report.weekly')
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    key: row.idempotency_key,
    channel: row.channel_id,
    report: weeklyReportContentSchema.parse((JSON.parse(row.payload) as { report: unknown }).report)
  }));
}

describe.each(recordsBackends)('the weekly report scheduler on $name', ({ name, skip }) => {
  test.skipIf(skip !== null)('queues each week’s report exactly once', async () => {
    const clock = { now: T0 };
    const dataDir = tempDataDir('runboard-weekly-');
    const first = await node(dataDir, name, clock);
    const owner = await first.accounts.createUser({
      email: 'ann@example.test',
      name: 'Ann',
      passwordHash: null
    });
    await first.accounts.createWorkspace('Weekly', owner.id, WS);
    const channel = await first.notifications.createChannel(
      WS,
      { type: 'webhook', name: 'Hook', url: 'http://127.0.0.1:9/hook' },
      { actorId: owner.id, locale: 'en', requestOrigin: 'https://runboard.test' }
    );
    await first.weeklyReports.update(
      WS,
      { enabled: true, channelId: channel.id, weekday: 1, hour: 9, timeZone: 'Asia/Shanghai' },
      { actorId: owner.id, locale: 'zh-CN' }
    );
    // Two nodes on PostgreSQL; on SQLite (one node by design) two schedulers in one process.
    const second = name === 'postgres' ? await node(dataDir, name, clock) : first;
    const a = scheduler(first, clock);
    const b = scheduler(second, clock);

    // Monday 2026-12-07 09:00 is past but before the report was turned on: nothing.
    expect(await a.runDue()).toEqual([]);
    expect(await reportsQueued(first)).toHaveLength(0);
    expect((await first.weeklyReports.settings(WS, 'en')).nextAt).toBe('2026-12-14T01:00:00.000Z');

    // One minute before Monday 09:00 in Shanghai: not yet.
    clock.now = Date.parse('2026-12-14T00:59:00Z');
    expect([...(await a.runDue()), ...(await b.runDue())]).toEqual([]);

    // Monday 09:00: both look at once; one queues.
    clock.now = Date.parse('2026-12-14T01:00:00Z');
    const [gotA, gotB] = await Promise.all([a.runDue(), b.runDue()]);
    expect([...gotA, ...gotB]).toEqual([WS]);
    let queued = await reportsQueued(first);
    expect(queued).toHaveLength(1);
    expect(queued[0]!.key).toBe(`report.weekly:${WS}:2026-12-07`);
    expect(queued[0]!.channel).toBe(channel.id);
    expect(queued[0]!.report).toMatchObject({
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      weekStart: '2026-12-07',
      from: '2026-12-06T16:00:00.000Z',
      to: '2026-12-13T16:00:00.000Z'
    });
    expect((await first.weeklyReports.settings(WS, 'en')).lastWeekStart).toBe('2026-12-07');

    // Later the same week, and again at once: nothing more.
    clock.now = Date.parse('2026-12-16T03:00:00Z');
    await Promise.all([a.runDue(), b.runDue(), a.runDue()]);
    expect(await reportsQueued(first)).toHaveLength(1);

    // A restart of the node: its scheduler finds the week claimed.
    await first.close();
    running.splice(running.indexOf(first), 1);
    const restarted = await node(dataDir, name, clock);
    expect(await restarted.weeklyReports.runDue()).toEqual([]);
    expect(await reportsQueued(restarted)).toHaveLength(1);

    // Three weeks down (three Mondays missed): the latest missed week, once, not three.
    clock.now = Date.parse('2027-01-06T10:00:00Z');
    const c = scheduler(restarted, clock);
    const d = name === 'postgres' ? scheduler(second, clock) : scheduler(restarted, clock);
    const [gotC, gotD] = await Promise.all([c.runDue(), d.runDue()]);
    expect([...gotC, ...gotD]).toEqual([WS]);
    queued = await reportsQueued(restarted);
    expect(queued.map((q) => q.key)).toEqual([
      `report.weekly:${WS}:2026-12-07`,
      `report.weekly:${WS}:2026-12-28`
    ]);
    expect(queued[1]!.report).toMatchObject({
      weekStart: '2026-12-28',
      from: '2026-12-27T16:00:00.000Z',
      to: '2027-01-03T16:00:00.000Z'
    });
    expect(await c.runDue()).toEqual([]);

    // Turned off: the next Monday passes without a report.
    await restarted.weeklyReports.update(
      WS,
      { enabled: false },
      { actorId: owner.id, locale: 'en' }
    );
    clock.now = Date.parse('2027-01-11T01:00:00Z');
    expect(await c.runDue()).toEqual([]);
    expect(await reportsQueued(restarted)).toHaveLength(2);
  });
});
