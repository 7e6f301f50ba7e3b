/**
 * Notifications out over REST against the production app (notifications-api.ts,
 * notifications-service.ts, channels.ts): channels of every type pointed at local stand-ins
 * (a capture server for the chats and the generic webhook, an SMTP server for e-mail), the exact
 * payloads and signatures each chat expects, one message per fact by idempotency key, the test
 * message, and delivery across a crash of the server in the middle of an attempt.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { channelSchema, outboxMessageSchema } from '../../src/lib/shared/notifications/schema';
import { seedWorkspace } from '../helpers/accounts';
import { freePort } from '../helpers/alertmanager';
import { startApp, type TestApp } from '../helpers/app-process';
import {
  startCaptureServer,
  type CaptureServer,
  type CapturedRequest
} from '../helpers/capture-server';
import { errorShape, useRestApp } from '../helpers/rest';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';
import { tempDataDir } from '../helpers/sync-server';

const WS = 'notifyrest';
const rest = useRestApp(WS, ['owner', 'member', 'viewer'], 'runboard-rest-notify-');
const base = `/api/v1/workspaces/${WS}`;

let capture: CaptureServer;
let smtp: TestSmtpServer;
beforeAll(async () => {
  capture = await startCaptureServer();
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await capture?.close();
  await smtp?.close();
});

async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function firing(groupKey: string, suffix: string) {
  const payload = JSON.parse(
    readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8')
  ) as { groupKey: string; alerts: { fingerprint: string }[] };
  return {
    ...payload,
    groupKey,
    alerts: payload.alerts.map((alert) => ({
      ...alert,
      fingerprint: `${alert.fingerprint}${suffix}`
    }))
  };
}

/** An Alertmanager integration of the workspace, and a way to deliver to its hook. */
async function alertmanager(app: { baseUrl: string }, call: typeof rest.call) {
  const created = await call('POST', `${base}/integrations`, { type: 'alertmanager', name: 'AM' });
  const { hookPath, secret } = z
    .object({ hookPath: z.string(), secret: z.string() })
    .parse(created.body);
  return async (body: unknown) => {
    const reply = await fetch(`${app.baseUrl}${hookPath}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    });
    expect(reply.status).toBe(200);
    return z.object({ opened: z.array(z.string()) }).parse(await reply.json());
  };
}

const requestsTo = (prefix: string): CapturedRequest[] =>
  capture.requests.filter((request) => request.path.startsWith(prefix));

describe('notification channels', () => {
  it('are managed by admins and never show their URL or secret again', async () => {
    const created = await rest.call('POST', `${base}/notification-channels`, {
      type: 'dingtalk',
      name: '值班群',
      url: `${capture.url}/robot/send?access_token=tok-123`,
      secret: 'SECdingtalk'
    });
    expect(created.status, created.text).toBe(201);
    const channel = channelSchema.parse(created.body);
    expect(channel).toMatchObject({
      type: 'dingtalk',
      hasSecret: true,
      target: new URL(capture.url).host,
      events: ['incident.opened', 'incident.acknowledged', 'incident.resolved']
    });
    const listed = await rest.call('GET', `${base}/notification-channels`);
    expect(listed.text).not.toContain('tok-123');
    expect(listed.text).not.toContain('SECdingtalk');

    expect(
      (
        await rest.call(
          'POST',
          `${base}/notification-channels`,
          { type: 'slack', name: 'x', url: 'https://x.test' },
          'member'
        )
      ).status
    ).toBe(403);
    const badUrl = await rest.call('POST', `${base}/notification-channels`, {
      type: 'slack',
      name: 'x',
      url: 'ftp://hooks.slack.test/x'
    });
    expect(badUrl.status).toBe(400);
    expect(JSON.stringify(errorShape.parse(badUrl.body).error.details)).toContain('url');
    const noRecipients = await rest.call('POST', `${base}/notification-channels`, {
      type: 'email',
      name: 'mail',
      url: smtp.url
    });
    expect(noRecipients.status).toBe(400);

    const patched = await rest.call('PATCH', `${base}/notification-channels/${channel.id}`, {
      events: ['incident.opened'],
      locale: 'zh-CN'
    });
    expect(channelSchema.parse(patched.body)).toMatchObject({
      events: ['incident.opened'],
      locale: 'zh-CN'
    });
    expect((await rest.call('DELETE', `${base}/notification-channels/${channel.id}`)).status).toBe(
      204
    );
    expect((await rest.call('GET', `${base}/notification-channels/${channel.id}`)).status).toBe(
      404
    );
  });

  it('tell every chat, in its own shape and signing, once per fact', async () => {
    const make = async (body: Record<string, unknown>) => {
      const reply = await rest.call('POST', `${base}/notification-channels`, body);
      expect(reply.status, reply.text).toBe(201);
      return channelSchema.parse(reply.body);
    };
    capture.behave('ok', (request) =>
      request.path.startsWith('/feishu')
        ? { code: 0, msg: 'success' }
        : { errcode: 0, errmsg: 'ok' }
    );
    await make({ type: 'slack', name: 'Slack', url: `${capture.url}/slack/T1/B1/x` });
    await make({ type: 'mattermost', name: 'MM', url: `${capture.url}/mattermost/hooks/abc` });
    await make({
      type: 'dingtalk',
      name: '钉钉',
      url: `${capture.url}/dingtalk/robot/send?access_token=dt`,
      secret: 'SECdt',
      locale: 'zh-CN'
    });
    await make({
      type: 'wecom',
      name: '企业微信',
      url: `${capture.url}/wecom/webhook/send?key=wk`,
      locale: 'zh-CN'
    });
    await make({
      type: 'feishu',
      name: '飞书',
      url: `${capture.url}/feishu/hook/fs`,
      secret: 'fs-secret',
      locale: 'zh-CN'
    });
    await make({
      type: 'webhook',
      name: 'Hook',
      url: `${capture.url}/webhook`,
      secret: 'wh-secret'
    });
    await make({
      type: 'email',
      name: 'Mail',
      url: `${smtp.url}?from=ops@runboard.test`,
      to: 'oncall@example.com, lead@example.com'
    });

    const deliver = await alertmanager(rest.app, rest.call);
    const { opened } = await deliver(firing('{}:{alertname="DiskFull"}', 'n1'));
    const id = opened[0]!;
    await until('six chat messages', () => capture.requests.length >= 6);
    await until('one e-mail', () => smtp.mails.length >= 1);

    const slack = requestsTo('/slack')[0]!.body as { text: string; blocks: { type: string }[] };
    expect(slack.text).toMatch(/^Incident [A-Z]+-\d+ opened: DiskFull \(mysql\)/);
    expect(slack.blocks.map((block) => block.type)).toEqual(['header', 'section', 'actions']);
    expect(JSON.stringify(slack)).toContain(`/w/${WS}/incidents/`);

    const mm = requestsTo('/mattermost')[0]!.body as {
      attachments: { color: string; title_link: string }[];
      priority: { priority: string };
    };
    expect(mm.priority.priority).toBe('urgent');
    expect(mm.attachments[0]!.color).toBe('#d1242f');

    const dingtalk = requestsTo('/dingtalk')[0]!;
    const url = new URL(dingtalk.path, capture.url);
    const timestamp = url.searchParams.get('timestamp')!;
    expect(url.searchParams.get('access_token')).toBe('dt');
    expect(url.searchParams.get('sign')).toBe(
      createHmac('sha256', 'SECdt').update(`${timestamp}\nSECdt`).digest('base64')
    );
    const dtBody = dingtalk.body as { msgtype: string; markdown: { title: string; text: string } };
    expect(dtBody.msgtype).toBe('markdown');
    expect(dtBody.markdown.title).toMatch(/^事件 [A-Z]+-\d+ 已触发：DiskFull/);
    expect(dtBody.markdown.text).toContain('**严重级别**: 紧急');

    const wecom = requestsTo('/wecom')[0]!.body as {
      msgtype: string;
      markdown: { content: string };
    };
    expect(wecom.msgtype).toBe('markdown');
    expect(wecom.markdown.content).toContain('在 Runboard 中打开');

    const feishu = requestsTo('/feishu')[0]!.body as {
      timestamp: string;
      sign: string;
      msg_type: string;
      card: { header: { template: string } };
    };
    expect(feishu.msg_type).toBe('interactive');
    expect(feishu.card.header.template).toBe('red');
    expect(feishu.sign).toBe(
      createHmac('sha256', `${feishu.timestamp}\nfs-secret`).update('').digest('base64')
    );

    const webhook = requestsTo('/webhook')[0]!;
    const signed = `${String(webhook.headers['x-runboard-timestamp'])}.${webhook.raw}`;
    expect(webhook.headers['x-runboard-signature']).toBe(
      `sha256=${createHmac('sha256', 'wh-secret').update(signed).digest('hex')}`
    );
    expect(webhook.headers['x-runboard-event']).toBe('incident.opened');
    expect(webhook.body).toMatchObject({
      event: 'incident.opened',
      idempotencyKey: webhook.headers['x-runboard-idempotency-key'],
      workspace: { id: WS },
      incident: { id, state: 'triggered', severity: 'critical' }
    });

    const mail = smtp.mails[0]!;
    expect(mail.to.sort()).toEqual(['lead@example.com', 'oncall@example.com']);
    expect(mail.from).toBe('ops@runboard.test');
    const raw = mail.raw.replace(/=\r?\n/g, '');
    expect(raw).toMatch(/X-Runboard-Idempotency-Key: incident:/i);
    expect(raw).toContain('Open in Runboard');

    // Re-sends of the alert group are not news: nothing more is sent.
    expect((await deliver(firing('{}:{alertname="DiskFull"}', 'n1'))).opened).toEqual([]);
    const outbox = z
      .array(outboxMessageSchema)
      .parse((await rest.call('GET', `${base}/outbox?state=delivered`)).body);
    expect(outbox.filter((m) => m.event === 'incident.opened')).toHaveLength(7);

    // An acknowledgement is news, with who did it.
    capture.requests.length = 0;
    const acked = await rest.call(
      'POST',
      `${base}/incidents/${id}/acknowledge`,
      { comment: '我来处理' },
      'member'
    );
    expect(acked.status).toBe(200);
    await until('six acknowledgements', () => capture.requests.length >= 6);
    const ackText = (requestsTo('/dingtalk')[0]!.body as { markdown: { text: string } }).markdown
      .text;
    expect(ackText).toContain('已由');
    expect(ackText).toContain('我来处理');
    const keys = new Set(capture.requests.map((r) => r.headers['x-runboard-idempotency-key']));
    expect(keys.size).toBe(1);

    // The incident lists what was sent about it, per channel, with its delivery state.
    await until('every message delivered', () => smtp.mails.length >= 2);
    const view = z
      .object({
        notifications: z.array(
          z.object({ event: z.string(), channel: z.string().nullable(), state: z.string() })
        )
      })
      .parse((await rest.call('GET', `${base}/incidents/${id}`)).body);
    expect(view.notifications.filter((n) => n.event === 'incident.opened')).toHaveLength(7);
    expect(view.notifications).toContainEqual(
      expect.objectContaining({ event: 'incident.acknowledged', channel: 'Slack' })
    );
  });

  it('sends a test message on demand, and lists it delivered', async () => {
    const channel = channelSchema.parse(
      (
        await rest.call('POST', `${base}/notification-channels`, {
          type: 'webhook',
          name: 'Test target',
          url: `${capture.url}/test-target`
        })
      ).body
    );
    const queued = await rest.call('POST', `${base}/notification-channels/${channel.id}/test`);
    expect(queued.status, queued.text).toBe(202);
    const message = outboxMessageSchema.parse(queued.body);
    expect(message.event).toBe('test');
    await until('the test message', () => requestsTo('/test-target').length === 1);
    const deadline = Date.now() + 10_000;
    let listed = outboxMessageSchema.parse(message);
    while (listed.state !== 'delivered' && Date.now() < deadline) {
      const list = z
        .array(outboxMessageSchema)
        .parse((await rest.call('GET', `${base}/outbox?channel=${channel.id}`)).body);
      listed = list[0]!;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(listed).toMatchObject({
      id: message.id,
      event: 'test',
      state: 'delivered',
      attempts: 1
    });
    expect(requestsTo('/test-target')[0]!.body).toMatchObject({ event: 'test' });
  });
});

describe('job run notifications', () => {
  it('tell the channels subscribed to run events how a run ended, signed, in their language', async () => {
    const make = async (body: Record<string, unknown>) => {
      const reply = await rest.call('POST', `${base}/notification-channels`, body);
      expect(reply.status, reply.text).toBe(201);
      return channelSchema.parse(reply.body);
    };
    capture.behave('ok', () => ({ errcode: 0, errmsg: 'ok' }));
    await make({
      type: 'webhook',
      name: 'Run failures',
      url: `${capture.url}/runs-failed`,
      secret: 'run-secret',
      events: ['run.failed']
    });
    await make({
      type: 'dingtalk',
      name: '作业群',
      url: `${capture.url}/runs-ok/robot/send?access_token=r`,
      events: ['run.succeeded'],
      locale: 'zh-CN'
    });
    const job = async (name: string, script: string) => {
      const reply = await rest.call('POST', `${base}/jobs`, { name, kind: 'shell', script });
      expect(reply.status, reply.text).toBe(201);
      return z.object({ id: z.string() }).parse(reply.body).id;
    };
    const run = async (jobId: string) => {
      const reply = await rest.call('POST', `${base}/jobs/${jobId}/runs`, {});
      expect(reply.status, reply.text).toBe(202);
      return z.object({ id: z.string() }).parse(reply.body).id;
    };
    const failing = await run(await job('nightly-backup', 'echo starting; exit 3'));
    const [failed] = await until('the failed run on the webhook', () => {
      const got = requestsTo('/runs-failed');
      return got.length > 0 ? got : undefined;
    });
    const signed = `${String(failed!.headers['x-runboard-timestamp'])}.${failed!.raw}`;
    expect(failed!.headers['x-runboard-signature']).toBe(
      `sha256=${createHmac('sha256', 'run-secret').update(signed).digest('hex')}`
    );
    expect(failed!.headers['x-runboard-event']).toBe('run.failed');
    expect(failed!.headers['x-runboard-idempotency-key']).toBe(`run:${failing}:finished`);
    expect(failed!.body).toMatchObject({
      event: 'run.failed',
      idempotencyKey: `run:${failing}:finished`,
      workspace: { id: WS },
      run: {
        id: failing,
        jobName: 'nightly-backup',
        state: 'failed',
        exitCode: 3,
        trigger: 'api',
        requestedBy: `owner ${WS}`,
        gate: null
      }
    });
    const body = failed!.body as { url: string; run: { durationSeconds: number } };
    expect(body.url).toMatch(new RegExp(`/w/${WS}/runs/${failing}$`));
    expect(body.run.durationSeconds).toBeGreaterThanOrEqual(0);

    const succeeding = await run(await job('ok-job', 'echo ok'));
    const [ok] = await until('the succeeded run on DingTalk', () => {
      const got = requestsTo('/runs-ok');
      return got.length > 0 ? got : undefined;
    });
    const text = (ok!.body as { markdown: { title: string; text: string } }).markdown;
    expect(text.title).toBe('作业运行成功：ok-job');
    expect(text.text).toContain(`**执行人**: owner ${WS}`);
    expect(text.text).toContain('**触发来源**: 直接运行');
    expect(text.text).toContain(`/w/${WS}/runs/${succeeding}`);
    // Each channel got only the event it subscribes to.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(requestsTo('/runs-failed')).toHaveLength(1);
    expect(requestsTo('/runs-ok')).toHaveLength(1);
  });
});

describe('delivery across a crash', () => {
  let app: TestApp | undefined;
  afterAll(async () => {
    await app?.stop();
  });

  it('delivers a message whose attempt a crash interrupted, once by its key', async () => {
    const ws = 'notifycrash';
    const dataDir = tempDataDir('runboard-notify-crash-');
    const users = await seedWorkspace(dataDir, ws, ['owner']);
    const token = users['owner']!.token;
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${app!.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body)
      });
      const text = await response.text();
      return {
        status: response.status,
        text,
        headers: response.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined
      };
    };
    const receiver = await startCaptureServer();
    try {
      // A fixed port: the node that crashed starts again as the same node (same data, host and
      // port), so it frees the message its dead attempt held instead of waiting out the lease.
      app = await startApp({ dataDir, port: await freePort() });
      const wsBase = `/api/v1/workspaces/${ws}`;
      expect(
        (
          await call('POST', `${wsBase}/notification-channels`, {
            type: 'webhook',
            name: 'Hook',
            url: `${receiver.url}/hook`
          })
        ).status
      ).toBe(201);
      receiver.behave('hang');
      const created = await call('POST', `${wsBase}/integrations`, {
        type: 'alertmanager',
        name: 'AM'
      });
      const { hookPath, secret } = z
        .object({ hookPath: z.string(), secret: z.string() })
        .parse(created.body);
      await fetch(`${app.baseUrl}${hookPath}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(firing('{}:{alertname="Crash"}', 'c'))
      });
      // The attempt reached the receiver, which does not answer; the server dies meanwhile.
      await until('the first attempt', () => receiver.requests.length === 1);
      await app.process.kill('SIGKILL');
      receiver.behave('ok');

      app = await startApp({ dataDir, port: app.process.port });
      await until('the message again', () => receiver.requests.length >= 2);
      const listed = z
        .array(outboxMessageSchema)
        .parse((await call('GET', `${wsBase}/outbox`)).body);
      expect(listed).toHaveLength(1);
      const keys = new Set(receiver.requests.map((r) => r.headers['x-runboard-idempotency-key']));
      expect(keys.size).toBe(1);
      const deadline = Date.now() + 10_000;
      let state = '';
      while (state !== 'delivered' && Date.now() < deadline) {
        state = outboxMessageSchema.parse(
          z.array(z.unknown()).parse((await call('GET', `${wsBase}/outbox`)).body)[0]
        ).state;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(state).toBe('delivered');
    } finally {
      await receiver.close();
    }
  });
});

describe('acknowledging from the chat', () => {
  it('takes the Mattermost and Slack buttons, under the chat user’s name, and refuses forged ones', async () => {
    capture.requests.length = 0;
    capture.behave('ok', () => ({}));
    for (const type of ['mattermost', 'slack'] as const) {
      const reply = await rest.call('POST', `${base}/notification-channels`, {
        type,
        name: `${type} buttons`,
        url: `${capture.url}/${type}-buttons`,
        events: ['incident.opened']
      });
      expect(reply.status, reply.text).toBe(201);
    }
    const deliver = await alertmanager(rest.app, rest.call);
    const first = (await deliver(firing('{}:{alertname="ChatAck1"}', 'ca1'))).opened[0]!;
    await until('the Mattermost message', () => requestsTo('/mattermost-buttons').length === 1);
    const mm = requestsTo('/mattermost-buttons')[0]!.body as {
      attachments: { actions: { integration: { url: string; context: { token: string } } }[] }[];
    };
    const action = mm.attachments[0]!.actions[0]!.integration;
    expect(action.url).toMatch(/\/api\/v1\/hooks\/chat-ack$/);
    const pressed = await fetch(`${rest.app.baseUrl}/api/v1/hooks/chat-ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_name: 'zhang.san', context: action.context })
    });
    expect(pressed.status).toBe(200);
    expect(await pressed.json()).toMatchObject({
      update: { message: expect.stringContaining('zhang.san') }
    });
    const acked = await rest.call('GET', `${base}/incidents/${first}`);
    expect(acked.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: null });
    expect(JSON.stringify(acked.body)).toContain('"user":"zhang.san"');

    // Slack posts a form whose `payload` holds the action (no Origin header).
    const second = (await deliver(firing('{}:{alertname="ChatAck2"}', 'ca2'))).opened[0]!;
    await until('the Slack message', () => requestsTo('/slack-buttons').length === 2);
    const slack = requestsTo('/slack-buttons')[1]!.body as {
      blocks: { type: string; elements?: { action_id?: string; value?: string }[] }[];
    };
    const button = slack.blocks
      .find((block) => block.type === 'actions')!
      .elements!.find((element) => element.action_id === 'runboard_acknowledge')!;
    const form = new URLSearchParams({
      payload: JSON.stringify({ actions: [{ value: button.value }], user: { username: 'li.si' } })
    });
    const slackPress = await fetch(`${rest.app.baseUrl}/api/v1/hooks/chat-ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString()
    });
    expect(slackPress.status).toBe(200);
    expect(
      ((await rest.call('GET', `${base}/incidents/${second}`)).body as { state: string }).state
    ).toBe('acknowledged');

    // A token changed by one character, or none: refused, nothing changes.
    const forged = `${button.value!.slice(0, -2)}xx`;
    const refused = await fetch(`${rest.app.baseUrl}/api/v1/hooks/chat-ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_name: 'mallory', context: { token: forged } })
    });
    expect(refused.status).toBe(401);
    const malformed = await fetch(`${rest.app.baseUrl}/api/v1/hooks/chat-ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' })
    });
    expect(malformed.status).toBe(400);
  });
});
