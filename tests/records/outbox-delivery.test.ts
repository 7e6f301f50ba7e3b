/**
 * The outbox worker in a running node (notifications-service.ts), on both databases, with short
 * retries: a receiver that answers 500, times out, or (a Chinese robot) answers 200 with an
 * error code is tried again with backoff until it is back; a message out of attempts is dead,
 * listed, and sent again on request; every attempt carries the same idempotency key.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createRuntime } from '../../entries/composition-root';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { databaseTargetFor } from '../helpers/database';
import { recordsBackends } from '../helpers/records';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server';
import { openAccess, tempDataDir } from '../helpers/sync-server';
import { readFileSync } from 'node:fs';

const WS = 'outboxws';

async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const running: { runtime: Runtime; capture: CaptureServer }[] = [];
afterEach(async () => {
  for (const { runtime, capture } of running.splice(0)) {
    await runtime.close();
    await capture.close();
  }
});

async function start(backend: (typeof recordsBackends)[number]['name']) {
  const dataDir = tempDataDir('runboard-outbox-');
  const target = await databaseTargetFor(dataDir, backend);
  const runtime = await createRuntime(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'error',
      origin: 'https://ops.example.test',
      secretKey: Buffer.alloc(32, 3),
      ...('databaseUrl' in target ? { databaseUrl: target.databaseUrl } : {})
    },
    {
      logger: createLogger('error'),
      onAuthenticate: openAccess,
      delivery: { baseRetryMs: 20, maxRetryMs: 80, maxAttempts: 4, pollMs: 20, timeoutMs: 300 }
    }
  );
  const owner = await runtime.accounts.createUser({
    email: `owner-${Math.random().toString(36).slice(2)}@example.test`,
    name: 'Owner',
    passwordHash: null
  });
  await runtime.accounts.createWorkspace('Outbox', owner.id, WS);
  const capture = await startCaptureServer();
  running.push({ runtime, capture });
  return { runtime, capture };
}

/** Opens an incident through intake, which queues its message on every channel. */
async function openIncident(runtime: Runtime, suffix: string) {
  const { integration } = await runtime.alerts.createIntegration(
    WS,
    { type: 'alertmanager', name: 'AM' },
    null
  );
  const record = (await runtime.alertsStore.integration(integration.id))!;
  const payload = JSON.parse(
    readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8')
  ) as {
    alerts: { fingerprint: string }[];
  };
  const result = await runtime.alerts.receive(record, {
    ...payload,
    groupKey: `{}:{x="${suffix}"}`,
    alerts: payload.alerts.map((alert) => ({
      ...alert,
      fingerprint: `${alert.fingerprint}${suffix}`
    }))
  });
  return result.opened[0]!;
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`the outbox (${backend.name})`, () => {
    test('a failing receiver gets the message once it answers, same key every time', async () => {
      const { runtime, capture } = await start(backend.name);
      capture.behave('fail');
      await runtime.notifications.createChannel(
        WS,
        { type: 'webhook', name: 'hook', url: `${capture.url}/hook`, secret: 's' },
        { actorId: null, locale: 'en', requestOrigin: 'http://unused' }
      );
      await openIncident(runtime, 'a');
      await until('two failed attempts', () => capture.requests.length >= 2);
      capture.behave('hang');
      await until('an attempt that times out', () => capture.requests.length >= 3);
      capture.behave('ok');
      const [message] = await until('delivered', async () => {
        const { items: list } = await runtime.notifications.listMessages(WS, {
          state: 'delivered',
          limit: 5
        });
        return list.length === 1 ? list : false;
      });
      expect(message!.attempts).toBe(capture.requests.length);
      expect(
        new Set(capture.requests.map((r) => r.headers['x-runboard-idempotency-key'])).size
      ).toBe(1);
      // Links use ORIGIN.
      expect(capture.requests[0]!.body).toMatchObject({
        url: expect.stringMatching(/^https:\/\/ops\.example\.test\/w\/outboxws\/incidents\//)
      });
    });

    test('a message out of attempts is dead until an admin sends it again', async () => {
      const { runtime, capture } = await start(backend.name);
      // A robot that answers 200 with an error code (a wrong signature) has not delivered.
      capture.behave('ok', () => ({ errcode: 310000, errmsg: 'sign not match' }));
      await runtime.notifications.createChannel(
        WS,
        {
          type: 'dingtalk',
          name: '钉钉',
          url: `${capture.url}/robot/send?access_token=t`,
          secret: 'x'
        },
        { actorId: null, locale: 'zh-CN', requestOrigin: 'http://unused' }
      );
      await openIncident(runtime, 'b');
      const [dead] = await until('dead', async () => {
        const { items: list } = await runtime.notifications.listMessages(WS, {
          state: 'dead',
          limit: 5
        });
        return list.length === 1 ? list : false;
      });
      expect(dead).toMatchObject({ attempts: 4, event: 'incident.opened' });
      expect(dead!.lastError).toContain('310000');
      expect(capture.requests).toHaveLength(4);
      await expect(runtime.notifications.retry(WS, 'nosuchmessage')).rejects.toMatchObject({
        code: 'not_found'
      });

      capture.behave('ok', () => ({ errcode: 0, errmsg: 'ok' }));
      const revived = await runtime.notifications.retry(WS, dead!.id);
      expect(revived.state).toBe('pending');
      await until('delivered after the retry', async () => {
        const { items: list } = await runtime.notifications.listMessages(WS, {
          state: 'delivered',
          limit: 5
        });
        return list.length === 1;
      });
      expect(capture.requests).toHaveLength(5);
      await expect(runtime.notifications.retry(WS, dead!.id)).rejects.toMatchObject({
        code: 'invalid_transition'
      });
    });
  });
}
