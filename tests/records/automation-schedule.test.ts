/**
 * Scheduled jobs on both backends (automation-service.ts `startScheduled`, the store's
 * `advanceSchedule`): the next time follows the cron expression in the job's time zone, each
 * scheduled time starts exactly one run even when two schedulers look at once (two nodes), the
 * run gets the schedule's parameters and is recorded as `schedule` by `system`, and a gated
 * job's scheduled time is skipped, not run.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createRuntime } from '../../entries/composition-root';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { databaseTargetFor } from '../helpers/database';
import { recordsBackends } from '../helpers/records';
import { openAccess, tempDataDir } from '../helpers/sync-server';

const WS = 'schedules';
const T0 = Date.parse('2026-12-07T00:58:00Z'); // 08:58 in Shanghai

const running: Runtime[] = [];
afterEach(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
});

async function setUp(backend: (typeof recordsBackends)[number]['name']) {
  const clock = { now: T0 };
  const dataDir = tempDataDir('runboard-schedules-');
  const target = await databaseTargetFor(dataDir, backend);
  const runtime = await createRuntime(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'error',
      origin: undefined,
      secretKey: Buffer.alloc(32, 9),
      ...('databaseUrl' in target ? { databaseUrl: target.databaseUrl } : {})
    },
    {
      logger: createLogger('error'),
      onAuthenticate: openAccess,
      now: () => clock.now,
      // The test calls the scheduler itself.
      automation: { scheduleTickMs: 3_600_000, pollMs: 50 }
    }
  );
  running.push(runtime);
  const owner = await runtime.accounts.createUser({
    email: 'ann@example.test',
    name: 'Ann',
    passwordHash: null
  });
  await runtime.accounts.createWorkspace('Schedules', owner.id, WS);
  return { runtime, clock, owner: owner.id };
}

async function until<T>(what: string, check: () => Promise<T | null>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(recordsBackends)('scheduled jobs on $name', ({ name, skip }) => {
  test.skipIf(skip !== null)('start once per scheduled time, in the job’s time zone', async () => {
    const { runtime, clock, owner } = await setUp(name);
    const job = await runtime.automation.createJob(
      WS,
      {
        name: 'Morning report',
        kind: 'shell',
        script: 'echo "report for $RB_OPTION_TEAM"',
        parameters: [{ name: 'team', type: 'string', required: true }],
        schedule: '0 9 * * *',
        scheduleTimeZone: 'Asia/Shanghai',
        scheduleParameters: { team: 'dba' }
      },
      owner
    );
    expect(job.nextRunAt).toBe('2026-12-07T01:00:00.000Z');
    // Not yet due.
    expect(await runtime.automation.startScheduled()).toEqual([]);
    clock.now = Date.parse('2026-12-07T01:00:30Z');
    // Two schedulers at once (two nodes): one run.
    const [a, b] = await Promise.all([
      runtime.automation.startScheduled(),
      runtime.automation.startScheduled()
    ]);
    const started = [...a, ...b];
    expect(started).toHaveLength(1);
    const run = started[0]!;
    expect(run.trigger).toBe('schedule');
    expect(run.requestedBy).toBe('system');
    expect((await runtime.automation.getJob(WS, job.id)).nextRunAt).toBe(
      '2026-12-08T01:00:00.000Z'
    );
    runtime.automationRunner.kick();
    const done = await until('the scheduled run to end', async () => {
      const view = await runtime.automation.getRun(WS, run.id);
      return view.state === 'succeeded' ? view : null;
    });
    expect(done.parameters).toEqual({ team: 'dba' });
    const log = await runtime.automation.logText(await runtime.automation.findRun(WS, run.id));
    expect(log).toContain('report for dba');
    // The same time does not start again.
    expect(await runtime.automation.startScheduled()).toEqual([]);
  });

  test.skipIf(skip !== null)(
    'a node starting again interrupts the runs it left, never another node’s',
    async () => {
      const { runtime, clock, owner } = await setUp(name);
      const job = await runtime.automation.createJob(
        WS,
        {
          name: 'Long',
          kind: 'shell',
          script: 'echo started; sleep 30',
          schedule: '0 9 * * *',
          scheduleTimeZone: 'Asia/Shanghai'
        },
        owner
      );
      clock.now = Date.parse('2026-12-07T01:00:30Z');
      const [run] = await runtime.automation.startScheduled();
      runtime.automationRunner.kick();
      await until('the run to go', async () => {
        const view = await runtime.automation.getRun(WS, run!.id);
        return view.state === 'running' ? view : null;
      });
      expect(job.id).toBe(run!.jobId);
      // Another node starting, and the periodic sweep: this node still calls in for it.
      expect(await runtime.automation.interruptOrphans('node-elsewhere', 30_000)).toEqual([]);
      expect(await runtime.automation.interruptOrphans(null, 30_000)).toEqual([]);
      expect((await runtime.automation.getRun(WS, run!.id)).state).toBe('running');
      // This node starting again: its own run is over.
      const interrupted = await runtime.automation.interruptOrphans(
        runtime.automationRunner.claimer,
        30_000
      );
      expect(interrupted.map((r) => r.id)).toEqual([run!.id]);
      expect((await runtime.automation.getRun(WS, run!.id)).state).toBe('interrupted');
    }
  );

  test.skipIf(skip !== null)('skip a gated job’s time instead of running it', async () => {
    const { runtime, clock, owner } = await setUp(name);
    const job = await runtime.automation.createJob(
      WS,
      {
        name: 'Nightly failover drill',
        kind: 'shell',
        script: 'echo drill',
        requiresChange: true,
        schedule: '*/5 * * * *'
      },
      owner
    );
    expect(job.nextRunAt).toBe('2026-12-07T01:00:00.000Z');
    clock.now = Date.parse('2026-12-07T01:01:00Z');
    expect(await runtime.automation.startScheduled()).toEqual([]);
    const runs = await runtime.automation.listRuns(WS, { jobId: job.id, limit: 10 });
    expect(runs.total).toBe(0);
    expect((await runtime.automation.getJob(WS, job.id)).nextRunAt).toBe(
      '2026-12-07T01:05:00.000Z'
    );
  });

  test.skipIf(skip !== null)('refuses a schedule that is not a cron expression', async () => {
    const { runtime, owner } = await setUp(name);
    await expect(
      runtime.automation.createJob(
        WS,
        { name: 'Bad', kind: 'shell', script: 'true', schedule: 'every morning' },
        owner
      )
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });
});
