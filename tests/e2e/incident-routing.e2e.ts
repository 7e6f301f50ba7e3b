/**
 * Routing rules in real Chromium against the production build: an admin makes two webhook
 * channels (to a local capture server) and an escalation policy over REST, then edits an
 * Alertmanager integration in the settings — a rule for `service = mysql` that sets severity
 * High, assigns the member and notifies only one channel, and the policy. The recorded firing
 * delivery then opens an incident whose page shows the rule's severity and the card's assignee;
 * a note added there lands on the timeline, and "Notifications sent" lists the message the
 * chosen channel got, delivered. The edit form also reads in Chinese, and a refusal of the
 * server (a rule naming a member who left meanwhile) shows next to the field its path names.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

const FIRING = readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8');

const contexts: BrowserContext[] = [];
const receivers: CaptureServer[] = [];

test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function openPage(browser: Browser, locale: 'en' | 'zh-CN' = 'en'): Promise<Page> {
  const context = await browser.newContext({
    ...signedIn(e2eAccounts().owner),
    locale: 'en-US',
    timezoneId: 'UTC'
  });
  if (locale === 'zh-CN') {
    await context.addCookies([{ name: 'locale', value: 'zh-CN', url: e2eAccounts().baseURL }]);
  }
  contexts.push(context);
  return context.newPage();
}

/** A workspace with two webhook channels, an escalation policy and an Alertmanager integration. */
async function routedWorkspace(receiver: CaptureServer) {
  const ws = await newWorkspace('routing');
  const api = await apiAs(e2eAccounts().owner);
  try {
    const base = `/api/v1/workspaces/${ws}`;
    const channel = async (name: string, path: string): Promise<string> => {
      const made = await api.post(`${base}/notification-channels`, {
        data: { type: 'webhook', name, url: `${receiver.url}${path}`, secret: 's3cret' }
      });
      expect(made.status(), await made.text()).toBe(201);
      return ((await made.json()) as { id: string }).id;
    };
    const dba = await channel('DBA hook', '/dba');
    const everyone = await channel('Everyone hook', '/everyone');
    const policy = await api.post(`${base}/escalation-policies`, {
      data: {
        name: 'Default',
        steps: [{ afterMinutes: 30, targets: [{ type: 'channel', channelId: dba }] }]
      }
    });
    expect(policy.status(), await policy.text()).toBe(201);
    const policyId = ((await policy.json()) as { id: string }).id;
    const integration = await api.post(`${base}/integrations`, {
      data: { type: 'alertmanager', name: 'Prod Alertmanager' }
    });
    expect(integration.status()).toBe(201);
    const { id, hookPath, secret } = (await integration.json()) as {
      id: string;
      hookPath: string;
      secret: string;
    };
    return { ws, dba, everyone, policyId, integrationId: id, hookPath, secret };
  } finally {
    await api.dispose();
  }
}

test('an admin routes mysql alerts to a member and one channel; the incident shows it, takes a note and lists the message sent', async ({
  browser
}) => {
  const receiver = await startCaptureServer();
  receivers.push(receiver);
  const { ws, dba, everyone, policyId, integrationId, hookPath, secret } =
    await routedWorkspace(receiver);
  const { member, baseURL } = e2eAccounts();
  const page = await openPage(browser);

  await page.goto(`/w/${ws}/settings#integrations`);
  const section = page.getByTestId('settings-integrations');
  const row = section.getByTestId('integration-row');
  await expect(row.getByTestId('integration-routing')).toHaveText(
    'no routing rules · no escalation'
  );
  await row.getByTestId('integration-edit').click();
  const form = row.getByTestId('integration-edit-form');
  await expect(form.getByTestId('integration-edit-name')).toHaveValue('Prod Alertmanager');
  await expect(form.getByTestId('routing-rules-empty')).toBeVisible();
  await form.getByTestId('integration-edit-policy').selectOption({ label: 'Default' });

  // A rule with an empty matcher is refused by the form's own check, next to the matcher.
  await form.getByTestId('routing-rule-add').click();
  const rule = form.getByTestId('routing-rule');
  await expect(rule).toHaveCount(1);
  await form.getByTestId('integration-edit-save').click();
  await expect(form.getByTestId('integration-edit-error')).toBeVisible();
  await expect(rule.getByTestId('routing-issue').first()).toBeVisible();
  await expect(rule.getByTestId('routing-matcher-name')).toHaveAttribute('aria-invalid', 'true');

  await rule.getByTestId('routing-matcher-name').fill('service');
  await rule.getByTestId('routing-matcher-op').selectOption('=');
  await rule.getByTestId('routing-matcher-value').fill('mysql');
  await rule.getByTestId('routing-severity').selectOption('high');
  await rule.getByTestId('routing-assignee').selectOption({ label: member.name });
  await rule.getByTestId('routing-channels-only').check();
  await rule.locator(`[data-testid="routing-channel"][data-channel-id="${dba}"]`).check();
  await form.getByTestId('integration-edit-save').click();
  await expect(form).toHaveCount(0);
  await expect(row.getByTestId('integration-routing')).toHaveText(
    '1 routing rule · escalates with Default'
  );

  // What was saved: the whole settings object, the rule as built in the form.
  const api = await apiAs(e2eAccounts().owner);
  try {
    const saved = await api.get(`/api/v1/workspaces/${ws}/integrations/${integrationId}`);
    expect(await saved.json()).toMatchObject({
      name: 'Prod Alertmanager',
      settings: {
        groupBy: 'group',
        autoResolve: 'resolve',
        reopenWindowMinutes: 60,
        severityLabel: 'severity',
        escalationPolicyId: policyId,
        rules: [
          {
            match: [{ name: 'service', op: '=', value: 'mysql' }],
            severity: 'high',
            assignee: member.id,
            channels: [dba]
          }
        ]
      }
    });
  } finally {
    await api.dispose();
  }

  // Alertmanager delivers the recorded firing group (service mysql, severity critical).
  const delivered = await fetch(`${baseURL}${hookPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: FIRING
  });
  expect(delivered.status).toBe(200);
  const { opened } = (await delivered.json()) as { opened: string[] };
  expect(opened).toHaveLength(1);

  await page.goto(`/w/${ws}/incidents/${opened[0]}`);
  const detail = page.getByTestId('incident-detail');
  await expect(detail).toHaveAttribute('data-severity', 'high');
  await expect(detail.locator('.header')).toContainText('High');
  await expect(page.getByTestId('incident-assignee')).toHaveText(member.name);

  // A note, on the timeline under the admin's name, quoted.
  await page.getByTestId('incident-note-text').fill('Grew the data disk by 50 GB');
  await page.getByTestId('incident-note-submit').click();
  await expect(page.getByTestId('incident-event-comment').last()).toHaveText(
    'Grew the data disk by 50 GB'
  );
  await expect(page.getByTestId('incident-note-text')).toHaveValue('');
  await expect(page.locator('.timeline')).toContainText(`${e2eAccounts().owner.name} added a note`);

  // Only the rule's channel was told, and the page lists its message as delivered.
  const notifications = page.getByTestId('incident-notifications');
  await expect(async () => {
    await page.reload();
    await expect(notifications.getByTestId('incident-notification')).toHaveAttribute(
      'data-state',
      'delivered',
      { timeout: 1_000 }
    );
  }).toPass({ timeout: 20_000 });
  const sent = notifications.getByTestId('incident-notification');
  await expect(sent).toHaveCount(1);
  await expect(sent.getByTestId('incident-notification-channel')).toHaveText('DBA hook');
  await expect(sent).toContainText('Webhook');
  await expect(sent.getByTestId('incident-notification-event')).toHaveText('Opened');
  await expect(sent.getByTestId('incident-notification-state')).toHaveText('Delivered');
  await expect(notifications.getByTestId('incident-notifications-outbox')).toHaveAttribute(
    'href',
    `/w/${ws}/settings#notifications`
  );
  expect(receiver.requests.map((request) => request.path)).toContain('/dba');
  expect(receiver.requests.map((request) => request.path)).not.toContain('/everyone');
  expect(everyone).not.toBe(dba);
});

test('the integration edit form reads in Chinese', async ({ browser }) => {
  const receiver = await startCaptureServer();
  receivers.push(receiver);
  const { ws } = await routedWorkspace(receiver);
  const page = await openPage(browser, 'zh-CN');
  await page.goto(`/w/${ws}/settings#integrations`);
  const row = page.getByTestId('integration-row');
  await expect(row.getByTestId('integration-routing')).toHaveText('无路由规则 · 不升级');
  const form = row.getByTestId('integration-edit-form');
  // The server-rendered row shows before the page is live; a click before that does nothing.
  await expect(async () => {
    await row.getByTestId('integration-edit').click();
    await expect(form).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await expect(form).toContainText('编辑“Prod Alertmanager”');
  await expect(form).toContainText('升级策略');
  await expect(form).toContainText('路由规则');
  await form.getByTestId('routing-rule-add').click();
  const rule = form.getByTestId('routing-rule');
  await expect(rule).toContainText('规则 1');
  await expect(rule).toContainText('当告警标签符合');
  await expect(rule.getByTestId('routing-severity').locator('option').first()).toHaveText(
    '取自标签'
  );
  await rule.getByTestId('routing-channels-only').check();
  await expect(rule.getByTestId('routing-channel')).toHaveCount(2);
  await expect(form.getByTestId('integration-edit-save')).toHaveText('保存更改');
});

test('the server’s refusal shows next to the field it names: a rule assigning someone who left', async ({
  browser
}) => {
  const receiver = await startCaptureServer();
  receivers.push(receiver);
  const { ws } = await routedWorkspace(receiver);
  const { owner, member } = e2eAccounts();
  const page = await openPage(browser);
  await page.goto(`/w/${ws}/settings#integrations`);
  const row = page.getByTestId('integration-row');
  await row.getByTestId('integration-edit').click();
  const form = row.getByTestId('integration-edit-form');
  await form.getByTestId('routing-rule-add').click();
  const rule = form.getByTestId('routing-rule');
  await rule.getByTestId('routing-matcher-name').fill('service');
  await rule.getByTestId('routing-matcher-value').fill('mysql');
  await rule.getByTestId('routing-assignee').selectOption({ label: member.name });

  // Meanwhile the member leaves the workspace.
  const api = await apiAs(owner);
  try {
    const removed = await api.delete(`/api/v1/workspaces/${ws}/members/${member.id}`);
    expect(removed.status(), await removed.text()).toBeLessThan(300);
  } finally {
    await api.dispose();
  }

  await form.getByTestId('integration-edit-save').click();
  await expect(form.getByTestId('integration-edit-issue')).toContainText('rules.0.assignee');
  await expect(rule.getByTestId('routing-assignee')).toHaveAttribute('aria-invalid', 'true');
  await expect(rule.getByTestId('routing-issue')).toContainText('not a member');
  // Nothing was saved.
  await expect(row.getByTestId('integration-routing')).toHaveText(
    'no routing rules · no escalation'
  );
});
