/**
 * The weekly report's settings in real Chromium, in Chinese: an admin picks the channel, the day
 * and the hour, saves, previews last week's report in the workspace's language, and "Send now"
 * reports that the channel received it (a local webhook receiver in the test process).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

let receiver: Server;
let receiverUrl = '';
const received: { event: string; body: string }[] = [];

test.beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        event: String(request.headers['x-runboard-event'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8')
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

test('an admin sets up the weekly report, previews it and sends it now', async ({ browser }) => {
  const ws = await newWorkspace('weekly');
  const api = await apiAs(e2eAccounts().owner);
  try {
    const created = await api.post(`/api/v1/workspaces/${ws}/notification-channels`, {
      data: { type: 'webhook', name: '周报回调', url: receiverUrl }
    });
    expect(created.status()).toBe(201);
  } finally {
    await api.dispose();
  }

  const context = await browser.newContext({
    ...signedIn(),
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai'
  });
  const page = await context.newPage();
  await page.goto(`/w/${ws}/settings#weekly-report`);
  const section = page.getByTestId('settings-weekly-report');
  await expect(section.getByRole('heading', { name: '周报' })).toBeVisible();
  await expect(section.getByTestId('weekly-report-status')).toHaveText(/周报未开启/);

  // Turning it on without a channel is refused with the field named.
  await section.getByTestId('weekly-report-enabled').check();
  await section.getByTestId('weekly-report-save').click();
  await expect(section.getByRole('alert')).toBeVisible();

  await section.getByTestId('weekly-report-channel').selectOption({ label: '周报回调 (Webhook)' });
  await section.getByTestId('weekly-report-weekday').selectOption({ label: '星期五' });
  await section.getByTestId('weekly-report-hour').selectOption({ label: '17:00' });
  await section.getByTestId('weekly-report-zone').fill('Asia/Shanghai');
  await section.getByTestId('weekly-report-save').click();
  await expect(section.getByTestId('weekly-report-saved')).toHaveText('周报设置已保存。');
  await expect(section.getByTestId('weekly-report-status')).toHaveText(
    /下一份周报：.*星期五.*17:00/
  );

  // Saved: a reload shows the same.
  await page.reload();
  await expect(section.getByTestId('weekly-report-weekday')).toHaveValue('5');
  await expect(section.getByTestId('weekly-report-hour')).toHaveValue('17');
  await expect(section.getByTestId('weekly-report-enabled')).toBeChecked();

  await section.getByTestId('weekly-report-preview').click();
  const preview = section.getByTestId('weekly-report-preview-text');
  await expect(preview).toContainText('运维周报');
  await expect(preview).toContainText('MTTA（平均确认时长）');
  await expect(preview).toContainText('本周没有事件。');

  await section.getByTestId('weekly-report-send').click();
  await expect(section.getByTestId('weekly-report-sent')).toHaveText(
    '已发送：渠道已收到上周的周报。',
    { timeout: 20_000 }
  );
  const report = received.find((r) => r.event === 'report.weekly');
  expect(report).toBeDefined();
  expect(JSON.parse(report!.body)).toMatchObject({
    event: 'report.weekly',
    workspace: { id: ws },
    report: { locale: 'zh-CN', timeZone: 'Asia/Shanghai' }
  });
  await context.close();
});
