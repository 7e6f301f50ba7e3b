/**
 * The weekly report over REST against the production app (weekly-report-api.ts, -service.ts,
 * notifications/channels.ts): settings (admins, validated, audited), the preview, and "send
 * now" through the outbox to local stand-ins (a capture server for Slack, DingTalk and the
 * generic webhook, an SMTP server for e-mail), in English for an English workspace and in
 * Chinese for a Chinese one, with the numbers computed by hand from rows seeded below.
 *
 * Both workspaces hold the same rows, around W = the Monday 00:00 UTC that ends the last whole
 * week (the week reported is [W−7d, W), the one before [W−14d, W−7d)); times relative to S =
 * W − 7d (this week's start) and P = W − 14d (the previous week's start):
 *
 * Incidents (opened, acknowledged after, resolved after):
 * - OPS-1 critical "Database down": S+1d 10:00, ack +300 s, resolved +7200 s.
 * - OPS-2 high "API latency": S+2d 08:00, ack +900 s, resolved +1800 s.
 * - OPS-3 warning "Disk almost full": S+5d 12:00, ack +60 s, still open (1 d 12 h at W).
 * - OPS-4 info "Certificate expiring": P+3d 00:00, ack +600 s, resolved S 06:00 (4 d 6 h).
 * - OPS-5 high "Queue backlog": P+1d 00:00, ack +1200 s, resolved +3600 s.
 * This week: MTTA (300+900+60)/3 = 420 s = 7 min 0 s; MTTR (7200+1800)/2 = 4500 s = 1 h 15 min;
 *   opened 3; resolved OPS-1, OPS-2, OPS-4 = 3.
 * Week before: MTTA (1200+600)/2 = 900 → ▼ 53% better; MTTR 3600 (OPS-4 still open) → ▲ 25%
 *   worse; opened 2 → ▲ 50% worse; resolved 1 → ▲ 200% better.
 * Worst: OPS-4 4 d 6 h (resolved), OPS-3 1 d 12 h (open), OPS-1 2 h 0 min, OPS-2 30 min 0 s.
 *
 * Changes this week: completed ×2, failed, rolled back → success 2/4 = 50%; the failed one
 *   caused OPS-2 → failure 1/4 = 25%. Before: completed, failed → 50% (no change), failure 0%
 *   → ▲ 25 pts worse.
 * Automation runs this week: succeeded ×3, failed → 75%; before: succeeded, failed → 50% →
 *   ▲ 25 pts better.
 * Tasks done this week 4, before 5 → ▼ 20% worse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Accounts } from '../../src/lib/server/accounts/accounts-store';
import type { RecordsDb } from '../../src/lib/server/db/records';
import { channelSchema, outboxMessageSchema } from '../../src/lib/shared/notifications/schema';
import { weeklyReportSettingsSchema } from '../../src/lib/shared/weekly-report/schema';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server';
import { openTestDatabase } from '../helpers/database';
import { errorShape, useRestApp } from '../helpers/rest';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';
import { runRow } from '../helpers/report-rows';

const EN = 'wreport';
const ZH = 'wreportzh';
const DAY = 86_400_000;

/** The Monday 00:00 UTC that ends the last whole week. */
const W = (() => {
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return today - ((now.getUTCDay() + 6) % 7) * DAY;
})();
const S = W - 7 * DAY;
const P = W - 14 * DAY;
const at = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

let zhUsers: Record<string, SeededUser> = {};

async function incident(
  db: RecordsDb,
  ws: string,
  key: string,
  severity: string,
  title: string,
  opened: number,
  ackAfterS: number,
  resolved: number | null
) {
  const id = `${ws}-${key}`;
  const state = resolved === null ? 'acknowledged' : 'resolved';
  await db
    .insertInto('incidents')
    .values({
      id,
      workspace_id: ws,
      integration_id: 'int',
      dedupe_key: id,
      title,
      severity,
      state,
      labels: '{}',
      annotations: '{}',
      opened_at: at(opened),
      acknowledged_at: at(opened + ackAfterS * 1000),
      acknowledged_by: null,
      resolved_at: resolved === null ? null : at(resolved),
      resolved_by: null,
      closed_at: null,
      closed_by: null,
      alerts_cleared_at: null,
      reopen_count: 0,
      flapping: 0,
      // Its card is "written": the app's catch-up leaves it alone.
      board_state: state,
      task_key: key,
      updated_at: at(opened),
      routed_channels: null,
      assignee: null,
      escalation_policy_id: null
    })
    .execute();
  const events: [string, number][] = [
    ['opened', opened],
    ['acknowledged', opened + ackAfterS * 1000],
    ...(resolved === null ? [] : [['resolved', resolved] as [string, number]])
  ];
  for (const [type, time] of events) {
    await db
      .insertInto('incident_events')
      .values({
        workspace_id: ws,
        incident_id: id,
        at: at(time),
        type,
        actor: type === 'opened' ? null : 'someone',
        data: '{}'
      })
      .execute();
  }
}

let seq = 0;
async function change(db: RecordsDb, ws: string, state: string, finished: number, causes?: string) {
  seq += 1;
  const id = `${ws}-c${seq}`;
  await db
    .insertInto('changes')
    .values({
      id,
      workspace_id: ws,
      task_key: null,
      title: id,
      type: 'normal',
      state,
      risk: 'low',
      impact: '',
      window_start: at(finished - H),
      window_end: at(finished),
      time_zone: 'UTC',
      requester_id: 'u1',
      approvers: '[]',
      board_state: state,
      created_at: at(finished - 2 * H),
      updated_at: at(finished),
      submitted_at: at(finished - 2 * H),
      approved_at: null,
      started_at: null,
      finished_at: at(finished)
    })
    .execute();
  if (causes) {
    await db
      .insertInto('incident_change_causes')
      .values({ incident_id: `${ws}-${causes}`, change_id: id, marked_by: null, at: at(finished) })
      .execute();
  }
}

async function run(db: RecordsDb, ws: string, state: string, finished: number) {
  seq += 1;
  await db
    .insertInto('automation_runs')
    .values(
      runRow({
        id: `${ws}-run-${seq}`,
        workspaceId: ws,
        state,
        createdAt: at(finished - H),
        startedAt: at(finished - H),
        finishedAt: at(finished)
      })
    )
    .execute();
}

async function task(db: RecordsDb, ws: string, done: number) {
  seq += 1;
  await db
    .insertInto('archived_tasks')
    .values({
      workspace_id: ws,
      task_id: `${ws}-t${seq}`,
      task_key: null,
      title: `task ${seq}`,
      kind: 'task',
      status: 'done',
      assignee: null,
      labels: '[]',
      finished_at: at(done),
      archived_at: at(done),
      updated_at: at(done),
      card: JSON.stringify({ doneAt: at(done) }),
      item_client: null,
      item_clock: null,
      item_ids: '[]',
      search_text: ''
    })
    .execute();
}

async function seed(db: RecordsDb, ws: string) {
  await incident(
    db,
    ws,
    'OPS-1',
    'critical',
    'Database down',
    S + DAY + 10 * H,
    300,
    S + DAY + 10 * H + 7_200_000
  );
  await incident(
    db,
    ws,
    'OPS-2',
    'high',
    'API latency',
    S + 2 * DAY + 8 * H,
    900,
    S + 2 * DAY + 8 * H + 1_800_000
  );
  await incident(db, ws, 'OPS-3', 'warning', 'Disk almost full', S + 5 * DAY + 12 * H, 60, null);
  await incident(db, ws, 'OPS-4', 'info', 'Certificate expiring', P + 3 * DAY, 600, S + 6 * H);
  await incident(db, ws, 'OPS-5', 'high', 'Queue backlog', P + DAY, 1200, P + DAY + 3_600_000);
  await change(db, ws, 'completed', S + DAY);
  await change(db, ws, 'completed', S + 2 * DAY);
  await change(db, ws, 'failed', S + 3 * DAY, 'OPS-2');
  await change(db, ws, 'rolled_back', S + 4 * DAY);
  await change(db, ws, 'completed', P + DAY);
  await change(db, ws, 'failed', P + 2 * DAY);
  for (const state of ['succeeded', 'succeeded', 'succeeded', 'failed']) {
    await run(db, ws, state, S + 2 * DAY);
  }
  await run(db, ws, 'succeeded', P + 2 * DAY);
  await run(db, ws, 'failed', P + 2 * DAY);
  for (let i = 0; i < 4; i += 1) await task(db, ws, S + i * DAY + H);
  for (let i = 0; i < 5; i += 1) await task(db, ws, P + i * DAY + H);
}

const rest = useRestApp(EN, ['owner', 'admin', 'operator', 'viewer'], 'runboard-weekly-', {
  beforeStart: async (dataDir) => {
    zhUsers = await seedWorkspace(dataDir, ZH, ['owner']);
    const { records } = await openTestDatabase(dataDir);
    try {
      await seed(records.db, EN);
      await seed(records.db, ZH);
      // The Chinese workspace is named in Chinese.
      await new Accounts(records).renameWorkspace(ZH, '运维一组');
    } finally {
      await records.close();
    }
  }
});

let capture: CaptureServer;
let smtp: TestSmtpServer;
beforeAll(async () => {
  capture = await startCaptureServer();
  capture.behave('ok', () => ({ errcode: 0, errmsg: 'ok' }));
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await capture?.close();
  await smtp?.close();
});

async function zhCall(method: string, path: string, body?: unknown) {
  const response = await fetch(`${rest.app.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${zhUsers['owner']!.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? (JSON.parse(text) as unknown) : undefined };
}

type Call = (
  method: string,
  path: string,
  body?: unknown
) => Promise<{ status: number; text: string; body: unknown }>;

async function channel(call: Call, ws: string, body: Record<string, unknown>) {
  const reply = await call('POST', `/api/v1/workspaces/${ws}/notification-channels`, body);
  expect(reply.status, reply.text).toBe(201);
  return channelSchema.parse(reply.body);
}

/** Points the report at `channelId`, sends it now, and waits until the outbox delivered it. */
async function sendVia(
  call: Call,
  ws: string,
  channelId: string,
  extra: Record<string, unknown> = {}
) {
  const patched = await call('PATCH', `/api/v1/workspaces/${ws}/weekly-report`, {
    channelId,
    ...extra
  });
  expect(patched.status, patched.text).toBe(200);
  const sent = await call('POST', `/api/v1/workspaces/${ws}/weekly-report/send`);
  expect(sent.status, sent.text).toBe(202);
  const message = outboxMessageSchema.parse(sent.body);
  expect(message.event).toBe('report.weekly');
  const deadline = Date.now() + 15_000;
  for (;;) {
    const listed = await call('GET', `/api/v1/workspaces/${ws}/outbox?channel=${channelId}`);
    const found = z
      .array(outboxMessageSchema)
      .parse(listed.body)
      .find((m) => m.id === message.id);
    if (found?.state === 'delivered') return found;
    if (found?.state === 'dead' || Date.now() > deadline) {
      throw new Error(`the report was not delivered: ${JSON.stringify(found)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A MIME message with its quoted-printable parts decoded (UTF-8). */
function decodeQuotedPrintable(raw: string): string {
  const text = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const requestsTo = (prefix: string) => capture.requests.filter((r) => r.path.startsWith(prefix));

describe('the weekly report', () => {
  it('has settings only admins change, validated and audited', async () => {
    const base = `/api/v1/workspaces/${EN}/weekly-report`;
    const initial = weeklyReportSettingsSchema.parse((await rest.call('GET', base)).body);
    expect(initial).toMatchObject({
      enabled: false,
      channelId: null,
      weekday: 1,
      hour: 9,
      timeZone: 'UTC'
    });
    expect((await rest.call('GET', base, undefined, 'operator')).status).toBe(403);
    expect((await rest.call('PATCH', base, { hour: 8 }, 'operator')).status).toBe(403);
    const noChannel = await rest.call('PATCH', base, { enabled: true });
    expect(noChannel.status).toBe(400);
    expect(JSON.stringify(errorShape.parse(noChannel.body).error.details)).toContain('channelId');
    for (const bad of [
      { hour: 24 },
      { weekday: 0 },
      { timeZone: 'Mars/Olympus' },
      { locale: 'fr' },
      { color: 'red' }
    ]) {
      const reply = await rest.call('PATCH', base, bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
    }
    expect((await rest.call('PATCH', base, { channelId: 'nosuch' })).status).toBe(400);
    const hook = await channel(rest.call, EN, {
      type: 'webhook',
      name: 'Report hook',
      url: `${capture.url}/hook/settings`
    });
    const saved = await rest.call(
      'PATCH',
      base,
      {
        enabled: true,
        channelId: hook.id,
        weekday: 5,
        hour: 17,
        timeZone: 'Asia/Shanghai'
      },
      'admin'
    );
    expect(saved.status, saved.text).toBe(200);
    const settings = weeklyReportSettingsSchema.parse(saved.body);
    expect(settings).toMatchObject({
      enabled: true,
      weekday: 5,
      hour: 17,
      timeZone: 'Asia/Shanghai'
    });
    // Friday 17:00 in Shanghai is 09:00 UTC, in the future, within a week.
    const next = Date.parse(settings.nextAt!);
    expect(next).toBeGreaterThan(Date.now());
    expect(next - Date.now()).toBeLessThanOrEqual(7 * DAY);
    expect(new Date(next).getUTCDay()).toBe(5);
    expect(new Date(next).getUTCHours()).toBe(9);
    const audit = await rest.call('GET', `/api/v1/workspaces/${EN}/audit?action=report`);
    expect(audit.text).toContain('report.weekly_updated');
    // Back to UTC for the rest, off: only "send now" sends.
    await rest.call('PATCH', base, { enabled: false, timeZone: 'UTC' });
  });

  it('sends the week in English: Slack, the webhook with the numbers, and e-mail', async () => {
    const slack = await channel(rest.call, EN, {
      type: 'slack',
      name: 'Slack',
      url: `${capture.url}/slack/T1/B1/x`
    });
    await sendVia(rest.call, EN, slack.id, { locale: 'en' });
    const body = requestsTo('/slack').at(-1)!.body as { text: string; blocks: unknown[] };
    const text = JSON.stringify(body);
    expect(body.text).toContain(
      `Weekly report · Workspace ${EN} · ${at(S).slice(0, 10)} – ${at(W - DAY).slice(0, 10)}`
    );
    expect(text).toContain('*MTTA*\\n7 min 0 s  ▼ 53% (better)');
    expect(text).toContain('*MTTR*\\n1 h 15 min  ▲ 25% (worse)');
    expect(text).toContain('*Incidents opened*\\n3  ▲ 50% (worse)');
    expect(text).toContain('*Incidents resolved*\\n3  ▲ 200% (better)');
    expect(text).toContain('*Change success rate*\\n50%  (no change)');
    expect(text).toContain('*Change failure rate*\\n25%  ▲ 25 pts (worse)');
    expect(text).toContain('*Tasks done*\\n4  ▼ 20% (worse)');
    expect(text).toContain('*Automation success rate*\\n75%  ▲ 25 pts (better)');
    const worst = /Incidents that took longest\*\\n(.*?)"/.exec(text)![1]!.split('\\n');
    expect(worst).toEqual([
      `1. <${rest.app.baseUrl}/w/${EN}/incidents/OPS-4|[info] OPS-4 Certificate expiring — resolved in 4 d 6 h>`,
      `2. <${rest.app.baseUrl}/w/${EN}/incidents/OPS-3|[warning] OPS-3 Disk almost full — still open after 1 d 12 h>`,
      `3. <${rest.app.baseUrl}/w/${EN}/incidents/OPS-1|[critical] OPS-1 Database down — resolved in 2 h 0 min>`,
      `4. <${rest.app.baseUrl}/w/${EN}/incidents/OPS-2|[high] OPS-2 API latency — resolved in 30 min 0 s>`
    ]);
    expect(text).toContain(
      `/w/${EN}/reports?from=${encodeURIComponent(at(S))}&to=${encodeURIComponent(at(W))}`
    );

    const hook = await channel(rest.call, EN, {
      type: 'webhook',
      name: 'Hook',
      url: `${capture.url}/hook/json`,
      secret: 'wh'
    });
    await sendVia(rest.call, EN, hook.id);
    const json = requestsTo('/hook/json').at(-1)!;
    expect(json.headers['x-runboard-event']).toBe('report.weekly');
    const report = (json.body as { report: Record<string, unknown> }).report;
    expect(report['current']).toEqual({
      mttaSeconds: 420,
      mttrSeconds: 4500,
      incidentsOpened: 3,
      incidentsResolved: 3,
      changeSuccessRate: 0.5,
      changeFailureRate: 0.25,
      throughput: 4,
      automationSuccessRate: 0.75
    });
    expect(report['previous']).toEqual({
      mttaSeconds: 900,
      mttrSeconds: 3600,
      incidentsOpened: 2,
      incidentsResolved: 1,
      changeSuccessRate: 0.5,
      changeFailureRate: 0,
      throughput: 5,
      automationSuccessRate: 0.5
    });
    expect((report['trend'] as Record<string, unknown>)['mttaSeconds']).toEqual({
      direction: 'down',
      amount: 53,
      unit: 'percent',
      better: true
    });
    expect(
      (report['worst'] as { key: string; seconds: number; open: boolean }[]).map((w) => [
        w.key,
        w.seconds,
        w.open
      ])
    ).toEqual([
      ['OPS-4', 367_200, false],
      ['OPS-3', 129_600, true],
      ['OPS-1', 7200, false],
      ['OPS-2', 1800, false]
    ]);

    const mail = await channel(rest.call, EN, {
      type: 'email',
      name: 'Mail',
      url: `${smtp.url}?from=ops@runboard.test`,
      to: 'lead@example.com'
    });
    const before = smtp.mails.length;
    await sendVia(rest.call, EN, mail.id);
    const raw = decodeQuotedPrintable(smtp.mails[before]!.raw);
    expect(raw).toContain('Subject: =?UTF-8?Q?Weekly_report');
    expect(raw).toContain(`Weekly report · Workspace ${EN} · `);
    expect(raw).toContain('- MTTA: 7 min 0 s  ▼ 53% (better)');
    expect(raw).toContain('- Change failure rate: 25%  ▲ 25 pts (worse)');
    expect(raw).toContain(
      `1. [info] OPS-4 Certificate expiring — resolved in 4 d 6 h (${rest.app.baseUrl}/w/${EN}/incidents/OPS-4)`
    );
    expect(raw).toContain('<th align="left">MTTA</th><td>7 min 0 s</td><td>▼ 53% (better)</td>');
  });

  it('sends the week in Chinese to DingTalk, and previews it', async () => {
    const ding = await channel(zhCall, ZH, {
      type: 'dingtalk',
      name: '钉钉',
      url: `${capture.url}/dingtalk/robot/send?access_token=dt`,
      secret: 'SECdt'
    });
    await sendVia(zhCall, ZH, ding.id, { locale: 'zh-CN' });
    const request = requestsTo('/dingtalk').at(-1)!;
    expect(request.path).toMatch(/[?&]sign=/);
    const { markdown } = request.body as { markdown: { title: string; text: string } };
    expect(markdown.title).toContain('运维周报 · 运维一组');
    const lines = markdown.text.split('\n');
    expect(lines).toContain('- **MTTA（平均确认时长）**: 7 分 0 秒  ▼ 53%（改善）');
    expect(lines).toContain('- **MTTR（平均恢复时长）**: 1 小时 15 分  ▲ 25%（变差）');
    expect(lines).toContain('- **新增事件**: 3  ▲ 50%（变差）');
    expect(lines).toContain('- **已解决事件**: 3  ▲ 200%（改善）');
    expect(lines).toContain('- **变更成功率**: 50%  （持平）');
    expect(lines).toContain('- **变更失败率**: 25%  ▲ 25 个百分点（变差）');
    expect(lines).toContain('- **完成任务数**: 4  ▼ 20%（变差）');
    expect(lines).toContain('- **自动化成功率**: 75%  ▲ 25 个百分点（改善）');
    expect(lines).toContain(
      `1. [[提示] OPS-4 Certificate expiring — 用时 4 天 6 小时 解决](${rest.app.baseUrl}/w/${ZH}/incidents/OPS-4)`
    );
    expect(lines).toContain(
      `2. [[警告] OPS-3 Disk almost full — 已持续 1 天 12 小时，仍未解决](${rest.app.baseUrl}/w/${ZH}/incidents/OPS-3)`
    );

    const preview = await zhCall('POST', `/api/v1/workspaces/${ZH}/weekly-report/preview`);
    expect(preview.status, preview.text).toBe(200);
    const { markdown: previewText } = z.object({ markdown: z.string() }).parse(preview.body);
    expect(previewText).toContain('- **MTTA（平均确认时长）**: 7 分 0 秒  ▼ 53%（改善）');
  });
});
