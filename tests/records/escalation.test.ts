/**
 * Escalation with a fake clock, in a running node on both databases (oncall-service.ts): an
 * incident nobody acknowledges pages the primary on call at once, the secondary after 5 minutes
 * and the team channel after 10, each exactly at its minute and once however often the worker
 * runs; an acknowledged incident pages nobody more; a reopened one escalates again.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { createRuntime } from '../../entries/composition-root';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { databaseTargetFor } from '../helpers/database';
import { recordsBackends } from '../helpers/records';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';
import { openAccess, tempDataDir } from '../helpers/sync-server';

const WS = 'escalate';
const T0 = Date.parse('2026-12-07T02:00:00Z'); // 10:00 in Shanghai, a Monday
const MIN = 60_000;

const running: { runtime: Runtime; capture: CaptureServer; smtp: TestSmtpServer }[] = [];
afterEach(async () => {
  for (const { runtime, capture, smtp } of running.splice(0)) {
    await runtime.close();
    await capture.close();
    await smtp.close();
  }
});

async function until(what: string, check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function setUp(backend: (typeof recordsBackends)[number]['name']) {
  const clock = { now: T0 };
  const dataDir = tempDataDir('runboard-escalation-');
  const target = await databaseTargetFor(dataDir, backend);
  const runtime = await createRuntime(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'error',
      origin: 'https://ops.example.test',
      secretKey: Buffer.alloc(32, 5),
      ...('databaseUrl' in target ? { databaseUrl: target.databaseUrl } : {})
    },
    {
      logger: createLogger('error'),
      onAuthenticate: openAccess,
      now: () => clock.now,
      // The test takes the steps itself, at the minutes it sets.
      escalationTickMs: 3_600_000,
      delivery: { pollMs: 20, baseRetryMs: 20, maxRetryMs: 40 }
    }
  );
  const capture = await startCaptureServer();
  const smtp = await startSmtpServer();
  running.push({ runtime, capture, smtp });
  const people: Record<string, string> = {};
  for (const name of ['ann', 'bo', 'cy']) {
    const user = await runtime.accounts.createUser({
      email: `${name}@example.test`,
      name: name.toUpperCase(),
      passwordHash: null
    });
    people[name] = user.id;
    if (name === 'ann') await runtime.accounts.createWorkspace('Escalation', user.id, WS);
    else await runtime.accounts.addMember(WS, user.id, 'member');
  }
  const context = { actorId: null, locale: 'en' as const, requestOrigin: 'http://unused' };
  const mail = await runtime.notifications.createChannel(
    WS,
    { type: 'email', name: 'Pager mail', url: smtp.url, to: ['nobody@example.test'], events: [] },
    context
  );
  const team = await runtime.notifications.createChannel(
    WS,
    { type: 'webhook', name: 'Team', url: `${capture.url}/team`, events: [] },
    context
  );
  const rotation = {
    handoff: 'weekly' as const,
    handoffTime: '09:00',
    handoffWeekday: 1,
    startDate: '2026-11-30'
  };
  const primary = await runtime.oncall.createSchedule(
    WS,
    {
      name: 'Primary',
      timeZone: 'Asia/Shanghai',
      rotation: { ...rotation, participants: [people['ann']!, people['bo']!] }
    },
    null
  );
  const secondary = await runtime.oncall.createSchedule(
    WS,
    {
      name: 'Secondary',
      timeZone: 'Asia/Shanghai',
      rotation: { ...rotation, participants: [people['cy']!] }
    },
    null
  );
  const policy = await runtime.oncall.createPolicy(WS, {
    name: 'Default',
    steps: [
      {
        afterMinutes: 0,
        targets: [{ type: 'schedule', scheduleId: primary.schedule.id, channelId: mail.id }]
      },
      {
        afterMinutes: 5,
        targets: [{ type: 'schedule', scheduleId: secondary.schedule.id, channelId: mail.id }]
      },
      { afterMinutes: 10, targets: [{ type: 'channel', channelId: team.id }] }
    ]
  });
  const { integration } = await runtime.alerts.createIntegration(
    WS,
    { type: 'alertmanager', name: 'AM', settings: { escalationPolicyId: policy.id } as never },
    null
  );
  const record = (await runtime.alertsStore.integration(integration.id))!;
  const fixture = JSON.parse(
    readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8')
  ) as {
    alerts: { fingerprint: string; startsAt: string }[];
  };
  const fire = async (group: string, startsAt = new Date(clock.now).toISOString()) =>
    runtime.alerts.receive(record, {
      ...fixture,
      groupKey: group,
      alerts: fixture.alerts.map((a) => ({
        ...a,
        fingerprint: `${a.fingerprint}${group.length}`,
        startsAt
      }))
    });
  return { runtime, capture, smtp, clock, people, fire, record, fixture };
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`escalation (${backend.name})`, () => {
    test('primary, then secondary, then the channel, each at its minute; nobody after an acknowledgement', async () => {
      const { runtime, capture, smtp, clock, people, fire } = await setUp(backend.name);
      // Shanghai 10:00 on Monday 2026-12-07: the weekly rotation that began Monday 11-30 09:00
      // (ann) handed over to bo at 09:00 today.
      const now = await runtime.oncall.onCallNow(WS);
      expect(Object.fromEntries(now.map((s) => [s.scheduleName, s.onCall?.userId]))).toEqual({
        Primary: people['bo'],
        Secondary: people['cy']
      });

      const { opened } = await fire('{}:{g="a"}');
      const id = opened[0]!;
      expect(await runtime.oncall.tick()).toBe(1);
      expect(await runtime.oncall.tick()).toBe(0); // the same step is not paged twice
      await until('the primary paged', () => smtp.mails.length === 1);
      expect(smtp.mails[0]!.to).toEqual(['bo@example.test']);
      expect(smtp.mails[0]!.raw.replace(/=\r?\n/g, '')).toMatch(/paging BO \(step 1\)/);

      clock.now = T0 + 5 * MIN - 1;
      expect(await runtime.oncall.tick()).toBe(0);
      clock.now = T0 + 5 * MIN;
      expect(await runtime.oncall.tick()).toBe(1);
      await until('the secondary paged', () => smtp.mails.length === 2);
      expect(smtp.mails[1]!.to).toEqual(['cy@example.test']);

      clock.now = T0 + 10 * MIN;
      expect(await runtime.oncall.tick()).toBe(1);
      await until('the team channel told', () => capture.requests.length === 1);
      expect(capture.requests[0]!.body).toMatchObject({
        event: 'incident.escalated',
        incident: { id }
      });
      clock.now = T0 + 60 * MIN;
      expect(await runtime.oncall.tick()).toBe(0);
      const timeline = await runtime.alerts.getIncident(WS, id);
      expect(timeline.events.filter((e) => e.type === 'escalated').map((e) => e.data)).toEqual([
        { step: 1, paged: ['BO'], pagedUsers: [people['bo']] },
        { step: 2, paged: ['CY'], pagedUsers: [people['cy']] },
        { step: 3, paged: [expect.stringMatching(/^channel:/)], pagedUsers: [] }
      ]);

      // A second incident, acknowledged after 2 minutes: the later steps page nobody.
      clock.now = T0 + 100 * MIN;
      const second = (await fire('{}:{g="b"}')).opened[0]!;
      expect(await runtime.oncall.tick()).toBe(1);
      clock.now = T0 + 102 * MIN;
      await runtime.alerts.transition(WS, second, 'acknowledged', people['bo']!);
      for (const minutes of [105, 110, 200]) {
        clock.now = T0 + minutes * MIN;
        expect(await runtime.oncall.tick()).toBe(0);
      }
      await runtime.notifications.settled();
      expect(smtp.mails).toHaveLength(3);
      expect(capture.requests).toHaveLength(1);
    });

    test('a reopened incident escalates again', async () => {
      const { runtime, smtp, clock, fire } = await setUp(backend.name);
      const id = (await fire('{}:{g="c"}')).opened[0]!;
      expect(await runtime.oncall.tick()).toBe(1);
      await runtime.alerts.transition(
        WS,
        id,
        'resolved',
        (await runtime.accounts.listMembers(WS))[0]!.userId
      );
      clock.now = T0 + 3 * MIN;
      expect((await fire('{}:{g="c"}')).reopened).toEqual([id]);
      expect(await runtime.oncall.tick()).toBe(1);
      await until('two pages', () => smtp.mails.length === 2);
      expect(
        new Set(smtp.mails.map((m) => /X-Runboard-Idempotency-Key: (\S+)/i.exec(m.raw)?.[1])).size
      ).toBe(2);
    });
  });
}
