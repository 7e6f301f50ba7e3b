/**
 * Once across nodes, with three runtimes on one fresh PostgreSQL database (docs/ARCHITECTURE.md
 * "Once across nodes"): when the three escalation workers tick at the same moment, each step of
 * each incident is paged exactly once and its outbox message reaches the receiver (a local
 * capture server) exactly once, although all three delivery workers poll; the same alert
 * arriving on all three nodes at once opens one incident (alerts-store `transaction`, an
 * advisory lock per integration); each scheduled job time starts one run when the three
 * schedulers look at once (automation-store `advanceSchedule`, compare-and-set); and with Redis the intake rate limit is one bucket for every
 * node, not one per node (auth/redis-rate-limit.ts), its keys removed afterwards.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { createRuntime } from '../../entries/composition-root';
import { configureAuthLimits, signIn } from '../../src/lib/server/accounts/accounts-service';
import { authLimits } from '../../src/lib/server/auth/rate-limit';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server';
import { databaseTargetFor } from '../helpers/database';
import { recordsBackends } from '../helpers/records';
import { SHARED_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis';
import { openAccess, tempDataDir } from '../helpers/sync-server';

const WS = 'once';
const T0 = Date.parse('2026-12-07T02:00:00Z');
const MIN = 60_000;
const pg = recordsBackends.find((b) => b.name === 'postgres')!;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(what: string, check: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function untilAsync(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `count` runtimes on one fresh PostgreSQL database, sharing a clock (and Redis when given). */
async function startNodes(count: number, redis?: { url: string; prefix: string }) {
  const clock = { now: T0 };
  const target = await databaseTargetFor(tempDataDir('runboard-once-db-'), 'postgres');
  if (!('databaseUrl' in target)) throw new Error('expected PostgreSQL');
  const nodes: Runtime[] = [];
  for (let i = 0; i < count; i++) {
    const runtime = await createRuntime(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: tempDataDir(`runboard-once-${i}-`),
        logLevel: 'error',
        origin: 'https://ops.example.test',
        secretKey: Buffer.alloc(32, 5),
        databaseUrl: target.databaseUrl,
        ...(redis ? { redis } : {})
      },
      {
        logger: createLogger('error'),
        onAuthenticate: openAccess,
        now: () => clock.now,
        // The test ticks the escalation workers itself, all at once.
        escalationTickMs: 3_600_000,
        delivery: { pollMs: 20, baseRetryMs: 20, maxRetryMs: 40 },
        deliveriesPerIntegration: { burst: 4, refillMs: 60 * MIN },
        // The test calls the schedulers itself; the queue is polled by all three runners.
        automation: { scheduleTickMs: 3_600_000, pollMs: 50 }
      }
    );
    nodes.push(runtime);
    cleanups.push(() => runtime.close());
  }
  const owner = await nodes[0]!.accounts.createUser({
    email: 'ann@example.test',
    name: 'Ann',
    passwordHash: null
  });
  await nodes[0]!.accounts.createWorkspace('Once', owner.id, WS);
  return { nodes, clock, owner: owner.id };
}

const fixture = JSON.parse(
  readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8')
) as { alerts: { fingerprint: string; startsAt: string }[] };

/** An Alertmanager delivery of group `group` (its own fingerprints), starting at `at`. */
function delivery(group: string, at: number) {
  return {
    ...fixture,
    groupKey: `{}:{g="${group}"}`,
    alerts: fixture.alerts.map((a) => ({
      ...a,
      fingerprint: `${a.fingerprint}-${group}`,
      startsAt: new Date(at).toISOString()
    }))
  };
}

describe.skipIf(pg.skip)('once across three nodes on PostgreSQL', () => {
  test('each escalation step is paged once and its message delivered once, all three ticking at once', async () => {
    const capture: CaptureServer = await startCaptureServer();
    cleanups.push(() => capture.close());
    const { nodes, clock } = await startNodes(3);
    const [a] = nodes as [Runtime, Runtime, Runtime];
    const context = { actorId: null, locale: 'en' as const, requestOrigin: 'http://unused' };
    const channels = [];
    for (const name of ['first', 'second', 'third']) {
      channels.push(
        await a.notifications.createChannel(
          WS,
          { type: 'webhook', name, url: `${capture.url}/${name}`, events: [] },
          context
        )
      );
    }
    const policy = await a.oncall.createPolicy(WS, {
      name: 'Three steps',
      steps: channels.map((channel, i) => ({
        afterMinutes: i * 5,
        targets: [{ type: 'channel' as const, channelId: channel.id }]
      }))
    });
    const { integration } = await a.alerts.createIntegration(
      WS,
      { type: 'alertmanager', name: 'AM', settings: { escalationPolicyId: policy.id } as never },
      null
    );

    // The same alert reaches all three nodes at the same moment: one incident.
    const same = await Promise.all(
      nodes.map(async (node) =>
        node.alerts.receive(
          (await node.alertsStore.integration(integration.id))!,
          delivery('x', T0)
        )
      )
    );
    expect(same.flatMap((r) => r.opened)).toHaveLength(1);
    // Four more incidents, one per group.
    for (const group of ['b', 'c', 'd', 'e']) {
      const record = (await a.alertsStore.integration(integration.id))!;
      expect((await a.alerts.receive(record, delivery(group, T0))).opened).toHaveLength(1);
    }
    const incidents = 5;

    let paged = 0;
    for (const [step, minute] of [0, 5, 10, 15].entries()) {
      clock.now = T0 + minute * MIN;
      const counts = await Promise.all(nodes.map((node) => node.oncall.tick()));
      paged += counts.reduce((sum, n) => sum + n, 0);
      // The fake clock moves on only once this step's pages are delivered and recorded so: a
      // jump of minutes while an attempt is in flight (the receiver has it, the sender has not
      // yet marked it delivered) would outrun its lease (60 s), which a real clock never does
      // within the attempt's 10 s timeout.
      const expected = incidents * Math.min(step + 1, 3);
      await until(`step ${step + 1} received`, () => capture.requests.length >= expected);
      await untilAsync(
        `step ${step + 1} recorded as delivered`,
        async () =>
          (await a.notificationsStore.listMessages(WS, { state: 'delivered', limit: 1 })).total >=
          expected
      );
    }
    expect(paged).toBe(incidents * 3);
    // Let the three delivery workers poll a few more rounds: nothing arrives twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all(nodes.map((node) => node.notifications.settled()));
    expect(capture.requests).toHaveLength(incidents * 3);
    const keys = capture.requests.map((r) => r.headers['x-runboard-idempotency-key']);
    expect(new Set(keys).size).toBe(incidents * 3);
    const perPath = new Map<string, number>();
    for (const r of capture.requests) perPath.set(r.path, (perPath.get(r.path) ?? 0) + 1);
    expect(Object.fromEntries(perPath)).toEqual({
      '/first': incidents,
      '/second': incidents,
      '/third': incidents
    });
    // The timeline of each incident has each step once.
    const list = (await a.alertsStore.listIncidents(WS)).items;
    expect(list).toHaveLength(incidents);
    for (const incident of list) {
      const timeline = await a.alerts.getIncident(WS, incident.id);
      expect(
        timeline.events
          .filter((e) => e.type === 'escalated')
          .map((e) => (e.data as { step: number }).step)
      ).toEqual([1, 2, 3]);
    }
  });

  test('each scheduled time runs once when the three schedulers look at once', async () => {
    const { nodes, clock, owner } = await startNodes(3);
    const [a] = nodes as [Runtime, Runtime, Runtime];
    const job = await a.automation.createJob(
      WS,
      { name: 'Every five minutes', kind: 'shell', script: 'echo tick', schedule: '*/5 * * * *' },
      owner
    );
    expect(job.nextRunAt).toBe('2026-12-07T02:05:00.000Z');
    const times = [5, 10, 15, 20];
    for (const minute of times) {
      clock.now = T0 + minute * MIN + 1_000;
      const started = await Promise.all(nodes.map((node) => node.automation.startScheduled()));
      expect(started.flat()).toHaveLength(1);
    }
    const runs = await a.automation.listRuns(WS, { jobId: job.id, limit: 50 });
    expect(runs.total).toBe(times.length);
    // The three runners poll the queue: each run is taken by one node and ends once.
    for (const run of runs.items) {
      await untilAsync(`run ${run.id} to end`, async () => {
        const view = await a.automation.getRun(WS, run.id);
        return view.state === 'succeeded';
      });
    }
    const ended = await a.automation.listRuns(WS, { jobId: job.id, limit: 50 });
    expect(ended.total).toBe(times.length);
    expect(ended.items.every((r) => r.state === 'succeeded')).toBe(true);
  });

  test('the intake rate limit is one bucket for every node with Redis', async () => {
    const prefix = uniqueRedisPrefix();
    const redis = new Redis(SHARED_REDIS_URL);
    cleanups.push(async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });
    const { nodes } = await startNodes(2, { url: SHARED_REDIS_URL, prefix });
    const [a, b] = nodes as [Runtime, Runtime];
    const { integration, secret } = await a.alerts.createIntegration(
      WS,
      { type: 'generic', name: 'limited' },
      null
    );
    const knock = (node: Runtime) =>
      node.alerts.authenticateHook('generic', integration.id, secret).then(
        () => 'ok',
        (error: { code?: string }) => error.code ?? 'error'
      );
    // Burst 4 for the integration, whichever node the deliveries reach.
    const answers = [];
    for (const node of [a, b, a, b, a, b]) answers.push(await knock(node));
    expect(answers).toEqual(['ok', 'ok', 'ok', 'ok', 'rate_limited', 'rate_limited']);
    expect(await redis.keys(`${prefix}:ratelimit:*`)).toEqual([
      `${prefix}:ratelimit:intake-integration:${integration.id}`
    ]);
  });

  test('sign-in attempts for one account count on every node with Redis', async () => {
    const prefix = uniqueRedisPrefix();
    const redis = new Redis(SHARED_REDIS_URL);
    cleanups.push(async () => {
      configureAuthLimits({ loginPerAccount: authLimits.loginPerAccount });
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });
    configureAuthLimits({ loginPerAccount: { burst: 2, refillMs: 60 * MIN } });
    const { nodes } = await startNodes(2, { url: SHARED_REDIS_URL, prefix });
    const [a, b] = nodes as [Runtime, Runtime];
    const attempt = (node: Runtime, ip: string) =>
      signIn(
        node,
        { email: 'ann@example.test', password: 'not the password' },
        { ip, userAgent: null }
      ).then(
        () => 'ok',
        (error: { code?: string }) => error.code ?? 'error'
      );
    // Two wrong guesses, one per node (and address): the third is refused on either node.
    expect(await attempt(a, '192.0.2.1')).toBe('invalid_credentials');
    expect(await attempt(b, '192.0.2.2')).toBe('invalid_credentials');
    expect(await attempt(a, '192.0.2.3')).toBe('rate_limited');
    expect(await attempt(b, '192.0.2.4')).toBe('rate_limited');
  });
});
