import { test } from '@playwright/test';
import { startCaptureServer } from '../helpers/capture-server';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

test('shots', async ({ browser }) => {
  const { owner, member } = e2eAccounts();
  const ws = await newWorkspace('shots', { member: 'operator' });
  const api = await apiAs(owner);
  const receiver = await startCaptureServer();
  const ch = await (await api.post(`/api/v1/workspaces/${ws}/notification-channels`, { data: { type: 'webhook', name: 'Ops hook', url: receiver.url, secret: 'x' } })).json() as { id: string };
  await api.post(`/api/v1/workspaces/${ws}/notification-channels`, { data: { type: 'dingtalk', name: '运维群', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: 'SECabc', locale: 'zh-CN' } });
  const today = new Date().toISOString().slice(0, 10);
  const s = await (await api.post(`/api/v1/workspaces/${ws}/oncall/schedules`, { data: { name: 'Primary', timeZone: 'Asia/Shanghai', rotation: { participants: [owner.id, member.id], handoff: 'weekly', handoffTime: '09:00', handoffWeekday: 1, startDate: '2026-11-01' } } })).json() as { id: string };
  await api.post(`/api/v1/workspaces/${ws}/oncall/schedules`, { data: { name: 'Database', timeZone: 'UTC', rotation: { participants: [member.id, owner.id], handoff: 'daily', handoffTime: '00:00', handoffWeekday: 1, startDate: today } } });
  await api.post(`/api/v1/workspaces/${ws}/oncall/schedules/${s.id}/overrides`, { data: { userId: member.id, start: new Date(Date.now() + 2 * 86400000).toISOString(), end: new Date(Date.now() + 3 * 86400000).toISOString() } });
  await api.post(`/api/v1/workspaces/${ws}/escalation-policies`, { data: { name: 'Default', steps: [{ afterMinutes: 0, targets: [{ type: 'schedule', scheduleId: s.id, channelId: ch.id }] }, { afterMinutes: 15, targets: [{ type: 'user', userId: owner.id, channelId: ch.id }, { type: 'channel', channelId: ch.id }] }] } });
  await api.post(`/api/v1/workspaces/${ws}/maintenance-windows`, { data: { matchers: [{ name: 'service', op: '=', value: 'db' }, { name: 'env', op: '=~', value: 'prod|staging' }], start: new Date().toISOString(), end: new Date(Date.now() + 7200000).toISOString(), reason: 'Database upgrade' } });
  await api.post(`/api/v1/workspaces/${ws}/notification-channels/${ch.id}/test`);
  await api.dispose();
  for (const [scheme, w, h, loc] of [['light', 1280, 900, 'en-US'], ['dark', 1280, 900, 'zh-CN'], ['light', 390, 844, 'zh-CN']] as const) {
    const context = await browser.newContext({ ...signedIn(owner), colorScheme: scheme, viewport: { width: w, height: h }, locale: loc, timezoneId: 'Europe/Berlin' });
    if (loc === 'zh-CN') await context.addCookies([{ name: 'locale', value: 'zh-CN', url: e2eAccounts().baseURL }]);
    const page = await context.newPage();
    for (const p of ['oncall', 'maintenance', 'settings']) {
      await page.goto(`/w/${ws}/${p}`);
      await page.waitForTimeout(600);
      if (p === 'settings') { await page.locator('#notifications').scrollIntoViewIfNeeded(); }
      await page.screenshot({ path: `/tmp/ui2/${p}-${scheme}-${w}.png`, fullPage: true });
    }
    await context.close();
  }
  await receiver.close();
});
