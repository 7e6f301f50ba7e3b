/**
 * Alerts and incidents in real Chromium against the production build: an admin creates an
 * Alertmanager integration in the settings and reads its secret from the one-time callout, the
 * test posts a recorded Alertmanager delivery to the hook (tests/fixtures/alerts), and the
 * incident shows in the incident list, on the board and on its own page, where it is
 * acknowledged and resolved with the timeline saying who did what. A viewer reads the page
 * without action buttons; the page reads in Chinese. Each test makes its own workspace.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn, type E2eUser } from './fixtures';
import { waitForServiceWorker } from './service-worker';

const FIRING = readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8');
/** The title intake gives the fixture's group: its alert name and the service all share. */
const TITLE = 'DiskFull (mysql)';

const contexts: BrowserContext[] = [];

test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function openPage(
  browser: Browser,
  options: { user?: E2eUser; locale?: 'en' | 'zh-CN' } = {}
): Promise<Page> {
  const context = await browser.newContext({
    ...signedIn(options.user ?? e2eAccounts().owner),
    locale: 'en-US',
    timezoneId: 'UTC'
  });
  if (options.locale === 'zh-CN') {
    await context.addCookies([{ name: 'locale', value: 'zh-CN', url: e2eAccounts().baseURL }]);
  }
  contexts.push(context);
  return context.newPage();
}

/** Posts the recorded firing delivery to `hookUrl` the way Alertmanager does. */
async function deliver(hookUrl: string, secret: string): Promise<Response> {
  return fetch(hookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: FIRING
  });
}

/** A workspace with an integration made over REST and the fixture delivered: its incident. */
async function workspaceWithIncident(
  prefix: string,
  member: 'viewer' | 'member'
): Promise<{ ws: string; key: string; id: string; hookUrl: string; secret: string }> {
  const ws = await newWorkspace(prefix, { member });
  const api = await apiAs(e2eAccounts().owner);
  try {
    const created = await api.post(`/api/v1/workspaces/${ws}/integrations`, {
      data: { type: 'alertmanager', name: 'prod' }
    });
    expect(created.status()).toBe(201);
    const { hookPath, secret } = (await created.json()) as { hookPath: string; secret: string };
    const delivered = await deliver(`${e2eAccounts().baseURL}${hookPath}`, secret);
    expect(delivered.status).toBe(200);
    const { opened } = (await delivered.json()) as { opened: string[] };
    const incident = await api.get(`/api/v1/workspaces/${ws}/incidents/${opened[0]}`);
    const { id, key } = (await incident.json()) as { id: string; key: string };
    return { ws, id, key, hookUrl: `${e2eAccounts().baseURL}${hookPath}`, secret };
  } finally {
    await api.dispose();
  }
}

test('an admin connects Alertmanager, and its alert becomes an incident to acknowledge and resolve', async ({
  browser
}) => {
  const ws = await newWorkspace('incidents');
  const { owner } = e2eAccounts();
  const page = await openPage(browser);

  // Settings → Alert integrations → new Alertmanager integration.
  await page.goto(`/w/${ws}/settings`);
  const section = page.getByTestId('settings-integrations');
  await expect(section.getByTestId('integrations-empty')).toBeVisible();
  await section.getByTestId('integration-new').click();
  await section.getByTestId('integration-type').selectOption('alertmanager');
  await section.getByTestId('integration-name').fill('Prod Alertmanager');
  await section.getByTestId('integration-reopen').fill('30');
  await section.getByTestId('integration-create').click();

  // The secret, once, with the configuration to paste.
  const callout = section.getByTestId('integration-secret');
  await expect(callout).toBeVisible();
  const secret = await callout.getByTestId('integration-secret-value').inputValue();
  expect(secret).toMatch(/^rbi_[a-z2-9]{52}$/);
  const hookUrl = await callout.getByTestId('integration-secret-hook').inputValue();
  expect(hookUrl).toMatch(new RegExp(`^${e2eAccounts().baseURL}/api/v1/hooks/alertmanager/\\w+$`));
  await expect(callout.getByTestId('integration-yaml')).toContainText(`credentials: "${secret}"`);
  await expect(callout.getByTestId('integration-yaml')).toContainText(`url: "${hookUrl}"`);
  await expect(callout.getByTestId('integration-curl')).toContainText(`Bearer ${secret}`);

  const row = section.getByTestId('integration-row');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId('integration-row-name')).toHaveText('Prod Alertmanager');
  await expect(row.getByTestId('integration-hook')).toHaveValue(hookUrl);
  await expect(row).toContainText('reopens within 30 min');
  await expect(row.getByTestId('integration-last-received')).toHaveText('Never');

  // Alertmanager delivers the recorded firing group.
  const delivered = await deliver(hookUrl, secret);
  expect(delivered.status).toBe(200);
  expect(await delivered.json()).toMatchObject({ alerts: 2, newOccurrences: 2 });

  // Dismissed, the secret is gone for good; the row shows the delivery.
  await callout.getByTestId('integration-secret-dismiss').click();
  await expect(section.getByTestId('integration-secret')).toHaveCount(0);
  await page.reload();
  await expect(section.getByTestId('integration-last-received')).not.toHaveText('Never');
  expect(await page.content()).not.toContain(secret);

  // The incident list, from the workspace navigation.
  await page.getByTestId('nav-incidents').click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/incidents$`));
  const listRow = page.getByTestId('incident-row');
  await expect(listRow).toHaveCount(1);
  await expect(listRow.getByTestId('incident-row-title')).toHaveText(TITLE);
  await expect(listRow).toHaveAttribute('data-state', 'triggered');
  await expect(listRow.getByTestId('incident-severity')).toHaveText('Critical');
  await expect(listRow).toContainText('2 of 2 firing');

  // … and on the board, as a card of kind incident.
  await page.getByTestId('nav-board').click();
  const card = page.getByTestId('task-card').filter({ hasText: TITLE });
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('task-kind')).toContainText('Incident');

  // The incident page.
  await page.getByTestId('nav-incidents').click();
  await page.getByTestId('incident-row').click();
  const detail = page.getByTestId('incident-detail');
  await expect(detail.getByTestId('incident-title')).toHaveText(TITLE);
  const key = (await detail.getByTestId('incident-key').textContent())?.trim() ?? '';
  expect(key).toMatch(/^[A-Z]+-\d+$/);
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/incidents/${key}$`));
  await expect(detail.getByTestId('incident-state')).toHaveText('Triggered');
  await expect(detail.getByTestId('incident-severity')).toHaveText('Critical');
  await expect(detail.getByTestId('incident-card-link')).toHaveAttribute(
    'href',
    `/w/${ws}/tasks/${key}`
  );
  const occurrences = detail.getByTestId('incident-occurrence');
  await expect(occurrences).toHaveCount(2);
  const first = occurrences.filter({ hasText: '2dc5f09a25a12020' });
  await expect(first).toContainText('Disk almost full on db-1');
  await expect(first.getByTestId('occurrence-label')).toContainText(['instancedb-1:9100']);
  await expect(first.getByTestId('occurrence-link-runbook_url')).toHaveAttribute(
    'href',
    'https://runbooks.example/disk'
  );
  await expect(first.getByTestId('occurrence-link-generatorURL')).toHaveAttribute(
    'href',
    /^http:\/\/prometheus\.example:9090\/graph\?/
  );

  // Acknowledge with a comment, then resolve; each move reloads the server's facts.
  await expect(detail.getByTestId('incident-close')).toHaveCount(0);
  await detail.getByTestId('incident-comment').fill('Looking at db-1 and db-2.');
  await detail.getByTestId('incident-acknowledge').click();
  await expect(detail.getByTestId('incident-state')).toHaveText('Acknowledged');
  await expect(detail.getByTestId('incident-acknowledged-by')).toHaveText(`by ${owner.name}`);
  await expect(detail.getByTestId('incident-acknowledge')).toHaveCount(0);
  await expect(detail.getByTestId('incident-comment')).toHaveValue('');
  await detail.getByTestId('incident-resolve').click();
  await expect(detail.getByTestId('incident-state')).toHaveText('Resolved');
  await expect(detail.getByTestId('incident-resolve')).toHaveCount(0);
  await expect(detail.getByTestId('incident-close')).toBeVisible();

  // The timeline says who did what, oldest first.
  const events = detail.getByTestId('incident-event');
  await expect(events).toHaveCount(3);
  await expect(detail.getByTestId('incident-event-text')).toHaveText([
    'Opened by 2 firing alerts',
    `${owner.name} acknowledged the incident`,
    `${owner.name} resolved the incident`
  ]);
  await expect(events.nth(1).getByTestId('incident-event-comment')).toHaveText(
    'Looking at db-1 and db-2.'
  );

  // The card followed: the task page links back to the incident page.
  await detail.getByTestId('incident-card-link').click();
  await expect(page.getByTestId('task-detail')).toHaveAttribute('data-kind', 'incident');
  await page.getByTestId('detail-incident-page').click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/incidents/${key}$`));

  // The post-incident review starts from the template and opens as a runbook; the incident
  // page links to it from then on.
  await page.getByTestId('incident-review-start').click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/runbooks/`));
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('incident-review-open')).toBeVisible();

  // Filtering the list by state.
  await page.goto(`/w/${ws}/incidents?state=open`);
  await expect(page.getByTestId('incidents-empty')).toBeVisible();
  await page.getByTestId('incident-filter').selectOption('resolved');
  await expect(page).toHaveURL(/state=resolved$/);
  await expect(page.getByTestId('incident-row')).toHaveCount(1);

  // A new secret replaces the old one at once; a deleted integration's hook stops answering.
  await page.goto(`/w/${ws}/settings#integrations`);
  await section.getByTestId('integration-rotate').click();
  await section.getByTestId('integration-rotate-confirm').click();
  const rotated = await section.getByTestId('integration-secret-value').inputValue();
  expect(rotated).not.toBe(secret);
  expect((await deliver(hookUrl, secret)).status).toBe(401);
  expect((await deliver(hookUrl, rotated)).status).toBe(200);
  await section.getByTestId('integration-delete').click();
  await section.getByTestId('integration-delete-confirm').click();
  await expect(section.getByTestId('integrations-empty')).toBeVisible();
  await expect(section.getByTestId('integration-secret')).toHaveCount(0);
  expect((await deliver(hookUrl, rotated)).status).toBe(404);
});

test('a generic integration checks its field mapping before sending it', async ({ browser }) => {
  const ws = await newWorkspace('incidents-generic', { member: null });
  const page = await openPage(browser);
  await page.goto(`/w/${ws}/settings`);
  // A click before hydration opens nothing (a CI run on a busy machine waited 30 s for the form).
  await page.locator('html[data-hydrated]').waitFor();
  const section = page.getByTestId('settings-integrations');
  await section.getByTestId('integration-new').click();
  await section.getByTestId('integration-type').selectOption('generic');
  await section.getByTestId('integration-name').fill('Zabbix bridge');
  const mapping = section.getByTestId('integration-mapping');
  await expect(mapping).toHaveValue(/"title": "title"/);

  await mapping.fill('{ "title": ');
  await section.getByTestId('integration-create').click();
  await expect(section.getByTestId('integration-form-error')).toContainText(
    'The field mapping is not valid JSON'
  );

  await mapping.fill('{ "status": "state", "colour": "x" }');
  await section.getByTestId('integration-create').click();
  const issues = section.getByTestId('integration-issue');
  await expect(issues.filter({ hasText: /^mapping\.title: / })).toHaveCount(1);
  await expect(issues.filter({ hasText: /^mapping: .*colour/ })).toHaveCount(1);
  await expect(section.getByTestId('integration-row')).toHaveCount(0);

  await mapping.fill('{ "alerts": "events", "title": "event.name", "fingerprint": "event.id" }');
  await section.getByTestId('integration-create').click();
  const curl = section.getByTestId('integration-curl');
  await expect(curl).toContainText('"events":[{"event":{"name":"Runboard test alert"');
  await expect(section.getByTestId('integration-row')).toHaveCount(1);
});

test('a viewer reads the incident page without action buttons', async ({ browser }) => {
  const { ws, key } = await workspaceWithIncident('incidents-viewer', 'viewer');
  const page = await openPage(browser, { user: e2eAccounts().member });
  await page.goto(`/w/${ws}/incidents/${key}`);
  const detail = page.getByTestId('incident-detail');
  await expect(detail.getByTestId('incident-state')).toHaveText('Triggered');
  await expect(detail.getByTestId('incident-occurrence')).toHaveCount(2);
  await expect(detail.getByTestId('incident-read-only')).toBeVisible();
  await expect(detail.getByTestId('incident-actions')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /acknowledge|resolve|close/i })).toHaveCount(0);

  // Nor do viewers see the integrations.
  await page.goto(`/w/${ws}/settings`);
  await expect(page.getByTestId('settings-page')).toBeVisible();
  await expect(page.getByTestId('settings-integrations')).toHaveCount(0);
});

test('the incident page reads in Chinese', async ({ browser }) => {
  const { ws, key } = await workspaceWithIncident('incidents-zh', 'member');
  const page = await openPage(browser, { locale: 'zh-CN' });
  await page.goto(`/w/${ws}/incidents/${key}`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  const detail = page.getByTestId('incident-detail');
  await expect(detail.getByTestId('incident-state')).toHaveText('已触发');
  await expect(detail.getByTestId('incident-severity')).toHaveText('严重');
  await expect(detail.getByTestId('incident-acknowledge')).toHaveText('确认');
  await expect(detail.getByTestId('incident-resolve')).toHaveText('解决');
  await expect(detail.getByTestId('incident-card-link')).toHaveText('打开看板卡片');
  await expect(detail.getByTestId('incident-event-text')).toHaveText(['由 2 条触发的告警打开']);
  await expect(page.getByTestId('nav-incidents')).toHaveText('事件');

  await detail.getByTestId('incident-acknowledge').click();
  await expect(detail.getByTestId('incident-state')).toHaveText('已确认');
  await expect(detail.getByTestId('incident-event-text').nth(1)).toHaveText(
    `${e2eAccounts().owner.name} 确认了事件`
  );
});

test('the pages follow incidents changed elsewhere without a reload', async ({ browser }) => {
  const { ws, key, id, hookUrl, secret } = await workspaceWithIncident('incidents-live', 'member');
  const page = await openPage(browser);
  await page.goto(`/w/${ws}/incidents`);
  await expect(page.getByTestId('incident-row')).toHaveCount(1);

  // A new alert group opens a second incident: its card reaches the board, the list reloads.
  const other = JSON.parse(FIRING) as { groupKey: string; alerts: { fingerprint: string }[] };
  other.groupKey = '{}:{alertname="Other"}';
  other.alerts = other.alerts.map((alert) => ({ ...alert, fingerprint: `${alert.fingerprint}0` }));
  const delivered = await fetch(hookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify(other)
  });
  expect(delivered.status).toBe(200);
  await expect(page.getByTestId('incident-row')).toHaveCount(2, { timeout: 10_000 });

  // Someone else acknowledges the first one: its page shows it.
  await page.goto(`/w/${ws}/incidents/${key}`);
  const detail = page.getByTestId('incident-detail');
  await expect(detail.getByTestId('incident-state')).toHaveText('Triggered');
  const api = await apiAs(e2eAccounts().member);
  try {
    const moved = await api.post(`/api/v1/workspaces/${ws}/incidents/${id}/acknowledge`, {
      data: { comment: 'Mine.' }
    });
    expect(moved.status()).toBe(200);
  } finally {
    await api.dispose();
  }
  await expect(detail.getByTestId('incident-state')).toHaveText('Acknowledged', {
    timeout: 10_000
  });
  await expect(detail.getByTestId('incident-acknowledged-by')).toHaveText(
    `by ${e2eAccounts().member.name}`
  );
});

test('acknowledging on the task page acknowledges the incident', async ({ browser }) => {
  const { ws, key } = await workspaceWithIncident('incidents-task-ack', 'member');
  const page = await openPage(browser);
  await page.goto(`/w/${ws}/tasks/${key}`);
  await page.getByTestId('detail-acknowledge').click();
  await expect(page.getByTestId('detail-acknowledge')).toHaveCount(0, { timeout: 10_000 });
  await page.getByTestId('detail-incident-page').click();
  const detail = page.getByTestId('incident-detail');
  await expect(detail.getByTestId('incident-state')).toHaveText('Acknowledged');
  await expect(detail.getByTestId('incident-event-text').last()).toHaveText(
    `${e2eAccounts().owner.name} acknowledged the incident`
  );
});

test('an unknown incident says so and links to the task of that key', async ({ browser }) => {
  const ws = await newWorkspace('incidents-missing', { member: null });
  const page = await openPage(browser);
  await page.goto(`/w/${ws}/incidents/OPS-999`);
  await expect(page.getByTestId('incident-not-found')).toContainText('OPS-999');
  await expect(
    page.getByTestId('incident-not-found').getByRole('link', { name: 'Open the task' })
  ).toHaveAttribute('href', `/w/${ws}/tasks/OPS-999`);
});

test('on a phone, an incident appears live on the board and is acknowledged offline, then synced', async ({
  browser
}) => {
  const ws = await newWorkspace('incidents-phone', { member: null });
  const api = await apiAs(e2eAccounts().owner);
  const context = await browser.newContext({
    ...signedIn(e2eAccounts().owner),
    locale: 'en-US',
    timezoneId: 'UTC',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true
  });
  contexts.push(context);
  try {
    const page = await context.newPage();
    await page.goto(`/w/${ws}/board`);
    await waitForServiceWorker(page);

    // The alert arrives while the board is open: its card appears without a reload.
    const created = await api.post(`/api/v1/workspaces/${ws}/integrations`, {
      data: { type: 'alertmanager', name: 'prod' }
    });
    const { hookPath, secret } = (await created.json()) as { hookPath: string; secret: string };
    const delivered = await deliver(`${e2eAccounts().baseURL}${hookPath}`, secret);
    const { opened } = (await delivered.json()) as { opened: string[] };
    const card = page.getByTestId('task-card').filter({ hasText: TITLE });
    await expect(card).toBeVisible({ timeout: 10_000 });
    const incident = await api.get(`/api/v1/workspaces/${ws}/incidents/${opened[0]}`);
    const { key } = (await incident.json()) as { key: string };

    // Offline: the task page acknowledges on the device's copy of the card.
    // The device has the live copy once the page is editable (the first view is read-only).
    await page.goto(`/w/${ws}/tasks/${key}`);
    await expect(page.getByTestId('task-detail')).toHaveAttribute('data-content-live', 'true', {
      timeout: 10_000
    });
    await expect(page.getByTestId('detail-acknowledge')).toBeVisible();
    await context.setOffline(true);
    await page.getByTestId('detail-acknowledge').click();
    await expect(page.getByTestId('detail-acknowledge')).toHaveCount(0, { timeout: 10_000 });
    const stillTriggered = await api.get(`/api/v1/workspaces/${ws}/incidents/${opened[0]}`);
    expect(((await stillTriggered.json()) as { state: string }).state).toBe('triggered');

    // Back online, the card syncs and the server acknowledges the incident under this member.
    await context.setOffline(false);
    await expect
      .poll(
        async () => {
          const reply = await api.get(`/api/v1/workspaces/${ws}/incidents/${opened[0]}`);
          return ((await reply.json()) as { state: string }).state;
        },
        { timeout: 20_000 }
      )
      .toBe('acknowledged');
    const after = await api.get(`/api/v1/workspaces/${ws}/incidents/${opened[0]}`);
    expect(((await after.json()) as { acknowledgedBy: string }).acknowledgedBy).toBe(
      e2eAccounts().owner.id
    );
  } finally {
    await api.dispose();
  }
});
