/**
 * On call, notification channels and maintenance in real Chromium: an operator builds a schedule
 * of two members and sees who is on call now and the calendar feed (which a calendar app can
 * read); an override puts the other member on call; a webhook channel pointing at a local
 * receiver gets a test message, followed to "delivered"; a maintenance window is created and
 * ended; members read without controls; the page reads in Chinese.
 */
import { expect, request, test, type Browser } from '@playwright/test';
import { startCaptureServer } from '../helpers/capture-server';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

async function openAs(
  browser: Browser,
  path: string,
  options: { locale?: string; user?: 'owner' | 'member' } = {}
) {
  const accounts = e2eAccounts();
  const user = options.user === 'member' ? accounts.member : accounts.owner;
  const context = await browser.newContext({
    ...signedIn(user),
    locale: options.locale ?? 'en-US',
    timezoneId: 'UTC'
  });
  if (options.locale === 'zh-CN') {
    await context.addCookies([{ name: 'locale', value: 'zh-CN', url: accounts.baseURL }]);
  }
  const page = await context.newPage();
  await page.goto(path);
  return { context, page };
}

test('a schedule of two members shows who is on call; an override changes it', async ({
  browser
}) => {
  const { owner, member } = e2eAccounts();
  const ws = await newWorkspace('oncall');
  const { context, page } = await openAs(browser, `/w/${ws}/oncall`);
  try {
    await expect(page.getByTestId('nav-oncall')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('schedules-empty')).toBeVisible();

    await page.getByTestId('schedule-new').click();
    const form = page.getByTestId('schedule-form');
    await form.getByTestId('schedule-name').fill('Primary');
    await form.getByTestId('schedule-zone').selectOption('UTC');
    for (const name of [owner.name, member.name]) {
      await form.getByTestId('schedule-add-member').selectOption({ label: name });
      await form.getByTestId('schedule-add-member-button').click();
    }
    await expect(form.getByTestId('schedule-participant')).toHaveText([
      new RegExp(owner.name),
      new RegExp(member.name)
    ]);
    // Max first, then Olga, moved up and down with the buttons.
    await form.getByRole('button', { name: `Move ${member.name} up` }).click();
    await form.getByRole('button', { name: `Move ${owner.name} up` }).click();
    await form.getByTestId('schedule-handoff').selectOption('daily');
    await form.getByTestId('schedule-time').fill('00:00');
    // The start date defaults to today: Olga's first turn is today, until midnight.
    await form.getByTestId('schedule-save').click();

    const now = page.getByTestId('oncall-now-card').filter({ hasText: 'Primary' });
    await expect(now.getByTestId('oncall-now-person')).toHaveText(owner.name);
    await expect(now).toContainText('until');

    // The feed address is shown once, and a calendar app can read it without signing in.
    const feed = page.getByTestId('feed-url');
    await expect(feed).toHaveValue(/\/oncall\/schedules\/[^/]+\/feed\.ics\?token=/);
    const anonymous = await request.newContext();
    try {
      const ics = await anonymous.get(await feed.inputValue());
      expect(ics.status()).toBe(200);
      expect(ics.headers()['content-type']).toContain('text/calendar');
      expect(await ics.text()).toContain(`SUMMARY:Primary: ${owner.name}`);
    } finally {
      await anonymous.dispose();
    }
    await expect(page.getByTestId('feed-subscribe')).toHaveAttribute(
      'href',
      /^webcal:\/\/127\.0\.0\.1:\d+\/api\/v1\/.+feed\.ics\?token=/
    );
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(feed).toHaveCount(0);

    // Fourteen daily shifts, taking turns, the first one now.
    const shifts = page.getByTestId('shift-row');
    await expect(shifts).toHaveCount(15);
    await expect(shifts.nth(0)).toContainText(owner.name);
    await expect(shifts.nth(0)).toContainText('now');
    await expect(shifts.nth(1)).toContainText(member.name);

    // An override puts Max on call from this minute for a day.
    await page.getByTestId('override-member').selectOption({ label: member.name });
    await page.getByTestId('override-add').click();
    await expect(page.getByTestId('override-row')).toHaveCount(1);
    await expect(now.getByTestId('oncall-now-person')).toHaveText(member.name);
    await expect(now).toContainText('Override');
    await expect(shifts.nth(0)).toContainText('override');

    // Removing it gives the turn back.
    await page.getByTestId('override-remove').click();
    await page.getByTestId('override-remove-confirm').click();
    await expect(page.getByTestId('override-row')).toHaveCount(0);
    await expect(now.getByTestId('oncall-now-person')).toHaveText(owner.name);
  } finally {
    await context.close();
  }

  // A member reads the same page without any controls.
  const asMember = await openAs(browser, `/w/${ws}/oncall`, { user: 'member' });
  try {
    await expect(asMember.page.getByTestId('oncall-read-only')).toBeVisible();
    await expect(
      asMember.page.getByTestId('oncall-now-card').getByTestId('oncall-now-person')
    ).toHaveText(owner.name);
    await expect(asMember.page.getByTestId('schedule-new')).toHaveCount(0);
    await expect(asMember.page.getByTestId('override-form')).toHaveCount(0);
  } finally {
    await asMember.context.close();
  }
});

test('a webhook channel gets a test message, followed until delivered; an escalation policy pages through it', async ({
  browser
}) => {
  const receiver = await startCaptureServer();
  const ws = await newWorkspace('channels');
  const { context, page } = await openAs(browser, `/w/${ws}/settings#notifications`);
  try {
    const section = page.getByTestId('settings-notifications');
    await expect(section.getByTestId('channels-empty')).toBeVisible();
    await section.getByTestId('channel-type').selectOption('webhook');
    await expect(section.getByTestId('channel-help')).toContainText('X-Runboard-Signature');
    await section.getByTestId('channel-name-input').fill('Ops hook');
    await section.getByTestId('channel-url').fill(`${receiver.url}/runboard`);
    await section.getByTestId('channel-secret').fill('s3cret');
    await section.getByTestId('channel-create').click();

    const row = section.getByTestId('channel-row').filter({ hasText: 'Ops hook' });
    await expect(row).toContainText('127.0.0.1');
    await expect(row).toContainText('signed');
    await row.getByTestId('channel-test').click();
    const status = row.getByTestId('channel-test-status');
    await expect(status).toHaveAttribute('data-state', 'delivered', { timeout: 15_000 });
    await expect(status).toContainText('delivered');
    const received = receiver.requests.find((r) => r.headers['x-runboard-event'] === 'test');
    expect(received?.path).toBe('/runboard');
    expect(String(received?.headers['x-runboard-signature'])).toMatch(/^sha256=[0-9a-f]{64}$/);
    // The outbox lists it as delivered.
    const outbox = section.getByTestId('outbox');
    await outbox.getByTestId('outbox-filter').selectOption('delivered');
    await expect(outbox.getByTestId('outbox-row')).toHaveCount(1);
    await expect(outbox.getByTestId('outbox-row')).toContainText('Ops hook');

    // A receiver that is down: the test shows the failed attempt while it is retried, and the
    // outbox lists the message as pending with the error.
    receiver.behave('fail');
    await row.getByTestId('channel-test').click();
    await expect(status).toHaveAttribute('data-state', 'pending', { timeout: 15_000 });
    await expect(status).toContainText(/Not delivered yet \(attempt 1\): .*500/);
    receiver.behave('ok');
    await outbox.getByTestId('outbox-filter').selectOption('pending');
    await expect(outbox.getByTestId('outbox-row').first()).toContainText('500');

    // The on-call page offers the channel to escalation policies.
    await page.goto(`/w/${ws}/oncall`);
    await page.getByTestId('policy-new').click();
    const policy = page.getByTestId('policy-form');
    await policy.getByTestId('policy-name').fill('Default');
    await policy.getByTestId('policy-target-type').selectOption('channel');
    await policy.getByTestId('policy-target-channel').selectOption({ label: 'Ops hook' });
    await policy.getByTestId('policy-save').click();
    await expect(page.getByTestId('policy-card')).toContainText('At once');
    await expect(page.getByTestId('policy-card')).toContainText('Everyone in Ops hook');
  } finally {
    await context.close();
    await receiver.close();
  }
});

test('a maintenance window holds matching alerts back until it is ended', async ({ browser }) => {
  const ws = await newWorkspace('maint');
  const { context, page } = await openAs(browser, `/w/${ws}/maintenance`);
  try {
    await expect(page.getByTestId('windows-empty')).toBeVisible();
    await expect(page.getByTestId('held-empty')).toBeVisible();
    await page.getByTestId('matcher-value').fill('db');
    await page.getByTestId('window-reason').fill('Database upgrade');
    await page.getByTestId('window-create').click();
    const row = page.getByTestId('window-row');
    await expect(row).toContainText('Database upgrade');
    await expect(row).toContainText('service="db"');
    await expect(row).toContainText('In effect');

    // An alert that matches is held back, and listed with the window that holds it.
    const api = await apiAs(e2eAccounts().owner);
    try {
      const integration = await api.post(`/api/v1/workspaces/${ws}/integrations`, {
        data: { type: 'alertmanager', name: 'Prometheus' }
      });
      expect(integration.status()).toBe(201);
      const { id, secret } = (await integration.json()) as { id: string; secret: string };
      const delivered = await api.post(`/api/v1/hooks/alertmanager/${id}`, {
        headers: { authorization: `Bearer ${secret}` },
        data: {
          version: '4',
          status: 'firing',
          alerts: [
            {
              status: 'firing',
              labels: { alertname: 'DiskFull', service: 'db', instance: 'db-1' },
              annotations: {},
              startsAt: new Date().toISOString()
            }
          ]
        }
      });
      expect(delivered.ok()).toBe(true);
    } finally {
      await api.dispose();
    }
    await page.reload();
    const held = page.getByTestId('held-row');
    await expect(held).toHaveCount(1);
    await expect(held).toContainText('DiskFull');
    await expect(held).toContainText('instance=db-1');
    await expect(held).toContainText('Database upgrade');

    await row.getByTestId('window-end').click();
    await row.getByTestId('window-end-confirm').click();
    await expect(page.getByTestId('windows-empty')).toBeVisible();
  } finally {
    await context.close();
  }
});

test('the on-call page reads in Chinese', async ({ browser }) => {
  const ws = await newWorkspace('oncall-zh');
  const { context, page } = await openAs(browser, `/w/${ws}/oncall`, { locale: 'zh-CN' });
  try {
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('值班');
    await expect(page.getByTestId('nav-oncall')).toHaveText('值班');
    await expect(page.getByTestId('oncall-now')).toContainText('当前值班');
    await expect(page.getByTestId('oncall-policies')).toContainText('升级策略');
    await page.getByTestId('schedule-new').click();
    await expect(page.getByTestId('schedule-form')).toContainText('交接时间');
    await expect(page.getByTestId('schedule-save')).toHaveText('创建排班');
  } finally {
    await context.close();
  }
});
