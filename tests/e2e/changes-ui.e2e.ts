/**
 * Change management in real Chromium against the production build: a change is planned in the
 * form by one user (an operator), who cannot approve it themselves (the button is disabled with
 * the reason, and the API refuses with `self_approval`); another user (the owner) approves it,
 * and it shows on the week calendar at the right hour of the viewer's own time zone. An
 * incident's "What changed" panel shows a change on a CI its item depends on, which is marked
 * as the incident's cause and unmarked. Each test makes its own workspace.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn, type E2eUser } from './fixtures';

const FIRING = readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8');

const contexts: BrowserContext[] = [];

// Each test walks several pages as two users; on a shared two-core machine that can outlast
// the default 30 s without anything being wrong.
test.describe.configure({ timeout: 60_000 });

test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function openPage(
  browser: Browser,
  user: E2eUser,
  timezoneId: string,
  locale: 'en' | 'zh-CN' = 'en'
): Promise<Page> {
  const context = await browser.newContext({ ...signedIn(user), locale: 'en-US', timezoneId });
  if (locale === 'zh-CN') {
    await context.addCookies([{ name: 'locale', value: 'zh-CN', url: e2eAccounts().baseURL }]);
  }
  contexts.push(context);
  return context.newPage();
}

/** A configuration item made over REST as the owner; its id. */
async function createItem(
  ws: string,
  body: { type: string; name: string; environment?: string; criticality?: string }
): Promise<string> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const created = await api.post(`/api/v1/workspaces/${ws}/cmdb/items`, { data: body });
    expect(created.status(), await created.text()).toBe(201);
    return ((await created.json()) as { id: string }).id;
  } finally {
    await api.dispose();
  }
}

/** `YYYY-MM-DD` and `HH:MM` of a UTC instant, for a datetime-local input read in UTC. */
function utcParts(ms: number): { date: string; local: string } {
  const iso = new Date(ms).toISOString();
  return { date: iso.slice(0, 10), local: iso.slice(0, 16) };
}

test('a change is planned by one user, approved by another, and shows on the week calendar', async ({
  browser
}) => {
  const ws = await newWorkspace('changes-ui', { member: 'operator' });
  const { owner, member } = e2eAccounts();
  await createItem(ws, { type: 'database', name: 'orders-db', environment: 'staging' });

  // Tomorrow 10:00–12:00 UTC, planned in UTC.
  const tomorrow = new Date();
  tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
  tomorrow.setUTCHours(10, 0, 0, 0);
  const start = utcParts(tomorrow.getTime());
  const end = utcParts(tomorrow.getTime() + 2 * 3_600_000);

  // The operator plans it from the Changes tab.
  const planner = await openPage(browser, member, 'UTC');
  await planner.goto(`/w/${ws}/board`);
  await planner.getByTestId('nav-changes').click();
  await expect(planner.getByTestId('changes-page')).toBeVisible();
  await planner.getByTestId('change-new').click();
  const form = planner.getByTestId('change-form');
  await form.getByTestId('change-form-title').fill('Upgrade orders-db');
  await form.getByTestId('change-form-type-normal').check();
  await form.getByTestId('change-items-search').fill('orders');
  await form.getByTestId('change-items-option').filter({ hasText: 'orders-db' }).click();
  await expect(form.getByTestId('change-items-selected')).toContainText('orders-db');
  await form.getByTestId('change-form-start').fill(start.local);
  await form.getByTestId('change-form-end').fill(end.local);
  await form.getByTestId('change-form-zone').selectOption('UTC');
  await form.getByTestId('change-form-plan').fill('1. Drain\n2. Upgrade\n3. Undrain');
  await form.getByTestId('change-form-rollback').fill('Restore the snapshot.');
  await form.getByTestId('change-form-create').click();

  // Its page: a draft, submitted by its requester. The form closes at once; the page that
  // follows loads on the server first, which took over 5 s on a loaded two-core machine.
  await expect(planner).toHaveURL(new RegExp(`/w/${ws}/changes/[A-Za-z0-9_-]+$`), {
    timeout: 15_000
  });
  const detail = planner.getByTestId('change-detail');
  await expect(detail).toHaveAttribute('data-state', 'draft');
  await expect(planner.getByTestId('change-title')).toHaveText('Upgrade orders-db');
  await expect(planner.getByTestId('change-item')).toHaveText('orders-db');
  await expect(planner.getByTestId('change-plan-plan')).toContainText('Upgrade');

  // A draft can still be edited: the form opens with its values.
  await planner.getByTestId('change-edit').click();
  const edit = planner.getByTestId('change-form');
  await expect(edit.getByTestId('change-form-title')).toHaveValue('Upgrade orders-db');
  await expect(edit.getByTestId('change-form-start')).toHaveValue(start.local);
  await expect(edit.getByTestId('change-items-selected')).toContainText('orders-db');
  await edit.getByTestId('change-form-title').fill('Upgrade orders-db to 16.4');
  await edit.getByTestId('change-form-create').click();
  await expect(planner.getByTestId('change-form')).toHaveCount(0);
  await expect(planner.getByTestId('change-title')).toHaveText('Upgrade orders-db to 16.4');
  await expect(planner.getByTestId('change-item')).toHaveText('orders-db');

  await planner.getByTestId('change-submit').click();
  await expect(detail).toHaveAttribute('data-state', 'submitted');
  const changeId = (await detail.getAttribute('data-change-id')) ?? '';

  // The requester cannot approve their own change: disabled, with the reason.
  await expect(planner.getByTestId('change-approve')).toBeDisabled();
  await expect(planner.getByTestId('change-approve')).toHaveAttribute(
    'data-refused',
    'selfApproval'
  );
  await expect(planner.getByTestId('change-refused-selfApproval')).toBeVisible();
  // The server refuses it too.
  const memberApi = await apiAs(member);
  try {
    const refused = await memberApi.post(`/api/v1/workspaces/${ws}/changes/${changeId}/approvals`, {
      data: { decision: 'approve' }
    });
    expect(refused.status()).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'self_approval'
    );
  } finally {
    await memberApi.dispose();
  }
  await expect(detail).toHaveAttribute('data-state', 'submitted');

  // The owner, in Shanghai, approves it with a comment.
  const approver = await openPage(browser, owner, 'Asia/Shanghai');
  await approver.goto(planner.url());
  const approverDetail = approver.getByTestId('change-detail');
  await expect(approverDetail).toHaveAttribute('data-state', 'submitted');
  await expect(approver.getByTestId('change-requirement').first()).toHaveAttribute(
    'data-met',
    'false'
  );
  await approver.getByTestId('change-comment').fill('Looks safe');
  await approver.getByTestId('change-approve').click();
  await expect(approverDetail).toHaveAttribute('data-state', 'approved');
  await expect(approver.getByTestId('change-requirement').first()).toHaveAttribute(
    'data-met',
    'true'
  );
  await expect(approver.getByTestId('change-approval')).toContainText(owner.name);
  await expect(approver.getByTestId('change-log-entry').last()).toContainText('Looks safe');
  // Planned in UTC, shown in the viewer's zone with the planned zone noted.
  await expect(approver.getByTestId('change-window-planned')).toBeVisible();

  // The requester's page follows (the ledger's mirror moved).
  await expect(detail).toHaveAttribute('data-state', 'approved', { timeout: 10_000 });

  // The week calendar in Shanghai: 10:00 UTC is 18:00 there, on the same day.
  await approver.goto(`/w/${ws}/changes?date=${start.date}`);
  await expect(approver.getByTestId('calendar-zone')).toContainText('Asia/Shanghai');
  const day = approver.locator(`[data-testid="calendar-day"][data-day="${start.date}"]`);
  const event = day.locator(`[data-testid="calendar-change"][data-change-id="${changeId}"]`);
  await expect(event).toBeVisible();
  await expect(event).toHaveAttribute('data-state', 'approved');
  await expect(event).toHaveAttribute('data-start-minute', String(18 * 60));
  await expect(event).toHaveAttribute('data-end-minute', String(20 * 60));
  await expect(event).toContainText('Upgrade orders-db to 16.4');

  // The planner in UTC sees it at 10:00; the month view lists it too.
  await planner.goto(`/w/${ws}/changes?date=${start.date}`);
  const utcEvent = planner.locator(
    `[data-testid="calendar-day"][data-day="${start.date}"] [data-change-id="${changeId}"]`
  );
  await expect(utcEvent).toHaveAttribute('data-start-minute', String(10 * 60));
  await planner.getByTestId('calendar-month').click();
  await expect(
    planner.locator(`[data-testid="calendar-change"][data-change-id="${changeId}"]`)
  ).toBeVisible();

  // The list, filtered by state.
  await planner.getByTestId('changes-tab-list').click();
  await planner.getByTestId('change-state-filter').selectOption('approved');
  await expect(planner.getByTestId('change-row')).toHaveCount(1);
  await expect(planner.getByTestId('change-row-title')).toHaveText('Upgrade orders-db to 16.4');

  // The board card shows the change's state and opens the change page.
  await planner.goto(`/w/${ws}/board`);
  const card = planner.locator(`[data-testid="task-card"][data-task-id="${changeId}"]`);
  await expect(card.getByTestId('change-state')).toHaveAttribute('data-state', 'approved');
  await card.locator('[data-card-link]').click();
  await expect(planner.getByTestId('change-detail')).toHaveAttribute('data-change-id', changeId);
});

test('an incident shows what changed on its items and their dependencies, and a change is marked as its cause', async ({
  browser
}) => {
  const ws = await newWorkspace('changes-what', { member: 'operator' });
  const { owner, member } = e2eAccounts();
  const web = await createItem(ws, {
    type: 'service',
    name: 'checkout-web',
    environment: 'production'
  });
  const db = await createItem(ws, {
    type: 'database',
    name: 'checkout-db',
    environment: 'production'
  });
  const api = await apiAs(owner);
  let incidentKey = '';
  try {
    const relation = await api.post(`/api/v1/workspaces/${ws}/cmdb/relations`, {
      data: { from: web, to: db, type: 'depends_on' }
    });
    expect(relation.status(), await relation.text()).toBe(201);

    // A change on the database, its window in the hours before the incident.
    const now = Date.now();
    const memberApi = await apiAs(member);
    try {
      const created = await memberApi.post(`/api/v1/workspaces/${ws}/changes`, {
        data: {
          title: 'Reindex checkout-db',
          type: 'standard',
          items: [db],
          windowStart: new Date(now - 3 * 3_600_000).toISOString(),
          windowEnd: new Date(now - 3_600_000).toISOString()
        }
      });
      expect(created.status(), await created.text()).toBe(201);
    } finally {
      await memberApi.dispose();
    }

    // An incident, from a recorded Alertmanager delivery.
    const integration = await api.post(`/api/v1/workspaces/${ws}/integrations`, {
      data: { type: 'alertmanager', name: 'prod' }
    });
    expect(integration.status()).toBe(201);
    const { hookPath, secret } = (await integration.json()) as { hookPath: string; secret: string };
    const delivered = await fetch(`${e2eAccounts().baseURL}${hookPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: FIRING
    });
    expect(delivered.status).toBe(200);
    const { opened } = (await delivered.json()) as { opened: string[] };
    const incident = await api.get(`/api/v1/workspaces/${ws}/incidents/${opened[0]}`);
    incidentKey = ((await incident.json()) as { key: string }).key;
  } finally {
    await api.dispose();
  }

  const page = await openPage(browser, member, 'UTC');
  await page.goto(`/w/${ws}/incidents/${incidentKey}`);
  const panel = page.getByTestId('what-changed');
  await expect(panel).toBeVisible();
  // No item is recorded for it: the responder adds the web service it hit.
  await panel.getByTestId('what-changed-items-search').fill('checkout-web');
  await panel.getByTestId('what-changed-items-option').filter({ hasText: 'checkout-web' }).click();
  const row = panel.getByTestId('what-changed-change');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Reindex checkout-db');
  await expect(row).toContainText('on a dependency');

  // Marked as the cause, then unmarked.
  await row.getByTestId('what-changed-mark').click();
  await expect(row).toHaveAttribute('data-cause', 'true');
  await expect(row.getByTestId('what-changed-cause')).toBeVisible();
  await row.getByTestId('what-changed-unmark').click();
  await expect(row).toHaveAttribute('data-cause', 'false');

  // In Chinese, the panel reads naturally.
  const zh = await openPage(browser, member, 'UTC', 'zh-CN');
  await zh.goto(`/w/${ws}/incidents/${incidentKey}`);
  await expect(zh.getByTestId('what-changed')).toContainText('最近变更');
});

test('an admin freezes a window: planning warns, scheduling is refused with a clear message, and works once the freeze is gone', async ({
  browser
}) => {
  const ws = await newWorkspace('changes-freeze', { member: 'operator' });
  const { owner, member } = e2eAccounts();
  await createItem(ws, { type: 'host', name: 'edge-1', environment: 'production' });

  const day = new Date();
  day.setUTCDate(day.getUTCDate() + 2);
  day.setUTCHours(0, 0, 0, 0);
  const date = utcParts(day.getTime()).date;

  // The admin creates a freeze over that whole day (UTC) from the Freezes tab.
  const admin = await openPage(browser, owner, 'UTC');
  await admin.goto(`/w/${ws}/changes`);
  await admin.getByTestId('changes-tab-freezes').click();
  await expect(admin.getByTestId('freezes-empty')).toBeVisible();
  await admin.getByTestId('freeze-new').click();
  await admin.getByTestId('freeze-start').fill(`${date}T00:00`);
  await admin.getByTestId('freeze-end').fill(`${date}T23:59`);
  await admin.getByTestId('freeze-reason').fill('Year-end sales');
  await admin.getByTestId('freeze-environments').fill('production');
  await admin.getByTestId('freeze-create').click();
  await expect(admin.getByTestId('freeze-row')).toContainText('Year-end sales');
  await expect(admin.getByTestId('freeze-row')).toContainText('production');

  // The calendar shades it.
  await admin.getByTestId('changes-tab-calendar').click();
  await admin.goto(`/w/${ws}/changes?date=${date}`);
  await expect(
    admin.locator(
      `[data-testid="calendar-day"][data-day="${date}"] [data-testid="calendar-freeze"]`
    )
  ).toBeVisible();

  // Planning a change on a production item in that window warns about it.
  const planner = await openPage(browser, member, 'UTC');
  await planner.goto(`/w/${ws}/changes?new=1`);
  const form = planner.getByTestId('change-form');
  await form.getByTestId('change-form-title').fill('Replace edge-1 NIC');
  await form.getByTestId('change-items-search').fill('edge');
  await form.getByTestId('change-items-option').filter({ hasText: 'edge-1' }).click();
  await form.getByTestId('change-form-start').fill(`${date}T09:00`);
  await form.getByTestId('change-form-end').fill(`${date}T10:00`);
  await form.getByTestId('change-form-zone').selectOption('UTC');
  await expect(form.getByTestId('change-form-freeze')).toContainText('Year-end sales');
  await form.getByTestId('change-form-create').click();
  await expect(planner.getByTestId('change-detail')).toHaveAttribute('data-state', 'draft');
  await expect(planner.getByTestId('change-freezes')).toContainText('Year-end sales');
  await planner.getByTestId('change-submit').click();
  await expect(planner.getByTestId('change-detail')).toHaveAttribute('data-state', 'submitted');
  const changeUrl = planner.url();

  // Approved by the admin, then scheduling is refused: the freeze, in plain words.
  await admin.goto(changeUrl);
  await admin.getByTestId('change-approve').click();
  await expect(admin.getByTestId('change-detail')).toHaveAttribute('data-state', 'approved');
  await admin.getByTestId('change-schedule').click();
  await expect(admin.getByTestId('change-action-error')).toContainText(
    'The change window falls in a change freeze'
  );
  await expect(admin.getByTestId('change-detail')).toHaveAttribute('data-state', 'approved');

  // The freeze is deleted; now it schedules.
  await admin.goto(`/w/${ws}/changes?tab=freezes`);
  await admin.getByTestId('freeze-delete').click();
  await admin.getByTestId('freeze-confirm').click();
  await expect(admin.getByTestId('freezes-empty')).toBeVisible();
  await admin.goto(changeUrl);
  await admin.getByTestId('change-schedule').click();
  await expect(admin.getByTestId('change-detail')).toHaveAttribute('data-state', 'scheduled');
  await expect(admin.getByTestId('change-log-entry').last()).toHaveAttribute(
    'data-to',
    'scheduled'
  );

  // The policy tab: every member reads it, admins change it.
  await planner.goto(`/w/${ws}/changes?tab=policy`);
  await expect(planner.getByTestId('policy-summary')).toContainText('1 approval, not yours');
  await expect(planner.getByTestId('policy-edit')).toHaveCount(0);
  await admin.goto(`/w/${ws}/changes?tab=policy`);
  await admin.getByTestId('policy-edit').click();
  await admin.getByTestId('policy-approvals').fill('2');
  await admin.getByTestId('policy-save').click();
  await expect(admin.getByTestId('policy-summary')).toContainText('2 approvals, not yours');
});
