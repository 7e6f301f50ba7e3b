/**
 * The task page (`/w/<ws>/tasks/<key or id>`) in real Chromium against the production build:
 * deep links by key and by id, editing every kind of field with the result live on the board
 * and in a second browser context (owner and member, separate IndexedDB, everything through
 * the server), checklist, comments and activity, two people typing in one description, the
 * viewer's read-only page, not found, Chinese, and a description full of XSS attempts that
 * must render inert. Each test makes its own workspace, so tests never see each other's tasks.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { Task } from '../../src/lib/shared/board/schema';
import { apiAs, e2eAccounts, newWorkspace, signedIn, type E2eUser } from './fixtures';

interface Client {
  context: BrowserContext;
  page: Page;
}

const clients: Client[] = [];

test.afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.context.close()));
});

/** A new signed-in browser context (owner by default) with one page, closed after the test. */
async function openClient(
  browser: Browser,
  options: { user?: E2eUser; locale?: string } = {}
): Promise<Client> {
  const context = await browser.newContext({
    ...signedIn(options.user ?? e2eAccounts().owner),
    locale: options.locale ?? 'en-US',
    timezoneId: 'UTC'
  });
  const client = { context, page: await context.newPage() };
  clients.push(client);
  return client;
}

async function expectSynced(page: Page): Promise<void> {
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout: 10_000 });
}

/** Opens `path` and waits for the board connection to be synced. */
async function open(client: Client, path: string): Promise<Page> {
  await client.page.goto(path);
  await expectSynced(client.page);
  return client.page;
}

/** Creates a task over REST as `user` (owner by default); the server assigns its key. */
async function createTask(
  ws: string,
  body: Record<string, unknown>,
  user: E2eUser = e2eAccounts().owner
): Promise<Task> {
  const api = await apiAs(user);
  try {
    const reply = await api.post(`/api/v1/workspaces/${ws}/tasks`, { data: body });
    expect(reply.status(), await reply.text()).toBe(201);
    return (await reply.json()) as Task;
  } finally {
    await api.dispose();
  }
}

function card(page: Page, taskId: string) {
  return page.locator(`[data-testid="task-card"][data-task-id="${taskId}"]`);
}

test.describe('task page', () => {
  test('opens by key (any case) and by id, with the key in the title and a way back', async ({
    browser
  }) => {
    const ws = await newWorkspace('detail-open', { member: null });
    const task = await createTask(ws, { title: 'Rotate the TLS certificates', kind: 'change' });
    expect(task.key).toMatch(/^[A-Z]+-\d+$/);
    const key = task.key ?? '';
    const client = await openClient(browser);

    const page = await open(client, `/w/${ws}/tasks/${key}`);
    await expect(page.getByTestId('task-detail')).toHaveAttribute('data-task-id', task.id);
    await expect(page.getByTestId('detail-key')).toHaveText(key);
    await expect(page.getByTestId('detail-title')).toHaveText('Rotate the TLS certificates');
    await expect(page).toHaveTitle(new RegExp(`^${key} · Rotate the TLS certificates`));

    await open(client, `/w/${ws}/tasks/${key.toLowerCase()}`);
    await expect(page.getByTestId('task-detail')).toHaveAttribute('data-task-id', task.id);

    await open(client, `/w/${ws}/tasks/${task.id}`);
    await expect(page.getByTestId('task-detail')).toHaveAttribute('data-task-id', task.id);
    await expect(page.getByTestId('detail-key')).toHaveText(key);

    await page.getByTestId('detail-back').click();
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/board$`));
    await expect(card(page, task.id)).toBeVisible();
  });

  test('an unknown key shows "not found" with a link back to the board', async ({ browser }) => {
    const ws = await newWorkspace('detail-missing', { member: null });
    const client = await openClient(browser);
    const page = await open(client, `/w/${ws}/tasks/OPS-9999`);
    await expect(page.getByTestId('detail-not-found')).toContainText('Task not found');
    await expect(page.getByTestId('detail-not-found')).toContainText('OPS-9999');
    await expect(page.getByTestId('task-detail')).toHaveCount(0);
    await page.getByTestId('detail-not-found').getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/board$`));
  });

  test('field edits show on the board card and live on a second page', async ({ browser }) => {
    const { member } = e2eAccounts();
    const ws = await newWorkspace('detail-edit');
    const task = await createTask(ws, { title: 'Patch the bastion host', priority: 'high' });
    const path = `/w/${ws}/tasks/${task.key}`;
    const a = await open(await openClient(browser), path);
    const b = await open(await openClient(browser, { user: member }), path);

    // Each page shows the other person as here (presence `task:<id>`).
    await expect(a.getByTestId('presence').getByTestId('avatar')).toHaveAttribute(
      'data-member-id',
      member.id
    );
    await expect(b.getByTestId('presence').getByTestId('avatar')).toHaveAttribute(
      'data-member-id',
      e2eAccounts().owner.id
    );

    // Title: Enter saves, Escape cancels.
    await a.getByTestId('detail-title').getByRole('button').click();
    await a.getByTestId('detail-title-input').fill('Throwaway edit');
    await a.getByTestId('detail-title-input').press('Escape');

    await expect(a.getByTestId('detail-title')).toHaveText('Patch the bastion host');
    await a.getByTestId('detail-title').getByRole('button').click();
    await a.getByTestId('detail-title-input').fill('Patch the bastion hosts in eu-west');
    await a.getByTestId('detail-title-input').press('Enter');
    await expect(a.getByTestId('detail-title')).toHaveText('Patch the bastion hosts in eu-west');
    await expect(b.getByTestId('detail-title')).toHaveText('Patch the bastion hosts in eu-west');

    await a.getByTestId('detail-priority').selectOption('urgent');
    await expect(b.getByTestId('detail-priority')).toHaveValue('urgent');

    await a.getByTestId('detail-assignee').selectOption(member.id);
    await expect(b.getByTestId('detail-assignee')).toHaveValue(member.id);
    await expect(a.getByTestId('detail-fields').getByTestId('avatar')).toHaveAttribute(
      'data-member-id',
      member.id
    );

    await a.getByTestId('detail-due').fill('2030-05-17T09:30');
    await expect(b.getByTestId('detail-due')).toHaveValue('2030-05-17T09:30');

    await a.getByTestId('detail-status').selectOption('in-progress');
    await expect(b.getByTestId('detail-status')).toHaveValue('in-progress');
    await expect(b.getByTestId('lifecycle-started').locator('time')).toHaveCount(1);

    // A new label is created and put on the task; toggling takes it off and on again.
    await a.getByTestId('detail-label-new').click();
    await a.getByTestId('detail-label-name').fill('database');
    await a.getByTestId('detail-label-create').click();
    const labelA = a.getByTestId('detail-label').filter({ hasText: 'database' });
    await expect(labelA).toHaveAttribute('aria-pressed', 'true');
    const labelB = b.getByTestId('detail-label').filter({ hasText: 'database' });
    await expect(labelB).toHaveAttribute('aria-pressed', 'true');
    await labelB.click();
    await expect(labelA).toHaveAttribute('aria-pressed', 'false');
    await labelA.click();
    await expect(labelB).toHaveAttribute('aria-pressed', 'true');

    // Estimate in hours and minutes is stored as minutes; progress from the slider.
    await a.getByTestId('detail-estimate-hours').fill('2');
    await a.getByTestId('detail-estimate-minutes').fill('30');
    await a.getByTestId('detail-estimate-minutes').press('Tab');
    await expect(b.getByTestId('detail-estimate-hours')).toHaveValue('2');
    await expect(b.getByTestId('detail-estimate-minutes')).toHaveValue('30');
    await a.getByTestId('detail-progress').fill('40');
    await expect(b.getByTestId('detail-progress-value')).toHaveText('40%');

    // A runbook link points at the runbook page.
    await a.getByTestId('detail-link-type').selectOption('runbook');
    await a.getByTestId('detail-link-target').fill('rb-failover');
    await a.getByTestId('detail-link-add').click();
    await expect(
      b.getByTestId('detail-link').getByRole('link', { name: 'rb-failover' })
    ).toHaveAttribute('href', `/w/${ws}/runbooks/rb-failover`);

    // The stored values, as the REST API reads them.
    const api = await apiAs(e2eAccounts().owner);
    try {
      const stored = (await (
        await api.get(`/api/v1/workspaces/${ws}/tasks/${task.id}`)
      ).json()) as Task;
      expect(stored).toMatchObject({
        title: 'Patch the bastion hosts in eu-west',
        priority: 'urgent',
        assignee: member.id,
        dueAt: '2030-05-17T09:30:00.000Z',
        status: 'in-progress',
        estimateMinutes: 150,
        progress: 40
      });
      expect(stored.labels).toHaveLength(1);
      expect(stored.links).toMatchObject([{ type: 'runbook', target: 'rb-failover' }]);
    } finally {
      await api.dispose();
    }

    // The board card shows the new values.
    await b.getByTestId('detail-back').click();
    const boardCard = card(b, task.id);
    await expect(boardCard.getByTestId('task-title')).toHaveText(
      'Patch the bastion hosts in eu-west'
    );
    await expect(boardCard.getByTestId('task-priority')).toHaveText('Urgent');
    await expect(boardCard.getByTestId('task-labels')).toHaveText('database');
    await expect(boardCard.getByTestId('task-due')).toContainText('2030');
    await expect(boardCard.getByTestId('task-assignee')).not.toContainText('Unassigned');
    await expect(b.locator('[data-column-id="in-progress"]').getByTestId('task-card')).toHaveCount(
      1
    );
  });

  test('checklist, comments and activity update live on a second page', async ({ browser }) => {
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('detail-collab');
    const task = await createTask(ws, {
      title: 'Drain and reboot the node pool',
      priority: 'high'
    });
    const path = `/w/${ws}/tasks/${task.key}`;
    const a = await open(await openClient(browser), path);
    const b = await open(await openClient(browser, { user: member }), path);

    // Checklist: add two items (Enter and the button), check one on the other page.
    await a.getByTestId('checklist-input').fill('Drain node');
    await a.getByTestId('checklist-input').press('Enter');
    await a.getByTestId('checklist-input').fill('Reboot node');
    await a.getByTestId('checklist-add').click();
    const itemsB = b.getByTestId('checklist-item');
    await expect(itemsB).toHaveCount(2);
    await expect(b.getByTestId('checklist-progress')).toHaveText('0/2');
    await itemsB.filter({ hasText: 'Drain node' }).getByTestId('checklist-check').check();
    await expect(a.getByTestId('checklist-progress')).toHaveText('1/2');
    await expect(
      a
        .getByTestId('checklist-item')
        .filter({ hasText: 'Drain node' })
        .getByTestId('checklist-check')
    ).toBeChecked();

    // Reorder with the keyboard buttons, rename in place, remove.
    await a.getByTestId('checklist-item').first().getByTestId('checklist-down').click();
    await expect(itemsB.getByTestId('checklist-text')).toHaveText(['Reboot node', 'Drain node']);
    await expect(a.getByTestId('checklist-item').nth(1).getByTestId('checklist-up')).toBeFocused();
    await a.getByTestId('checklist-item').first().getByTestId('checklist-text').click();
    await a.getByTestId('checklist-rename-input').fill('Reboot every node');
    await a.getByTestId('checklist-rename-input').press('Enter');
    await expect(itemsB.first()).toContainText('Reboot every node');
    await a.getByTestId('checklist-item').first().getByTestId('checklist-remove').click();
    await expect(itemsB).toHaveCount(1);
    await expect(b.getByTestId('checklist-progress')).toHaveText('1/1');

    // Comments: Ctrl+Enter sends; Markdown renders; only the author may edit or delete.
    await a.getByTestId('comment-input').fill('Looks **good** to me');
    await a.getByTestId('comment-input').press('Control+Enter');
    await expect(a.getByTestId('comment-input')).toHaveValue('');
    const commentB = b.getByTestId('comment');
    await expect(commentB).toHaveCount(1);
    await expect(commentB.getByTestId('comment-body').locator('strong')).toHaveText('good');
    await expect(commentB.getByTestId('comment-author')).toHaveText(owner.name);
    await expect(commentB.getByTestId('comment-edit')).toHaveCount(0);
    await expect(commentB.getByTestId('comment-delete')).toHaveCount(0);

    await a.getByTestId('comment-edit').click();
    await a.getByTestId('comment-edit-input').fill('Looks great');
    await a.getByTestId('comment-save').click();
    await expect(commentB.getByTestId('comment-body')).toHaveText('Looks great');
    await expect(commentB.getByTestId('comment-edited')).toBeVisible();

    await b.getByTestId('comment-input').fill('Thanks!');
    await b.getByTestId('comment-submit').click();
    await expect(a.getByTestId('comment')).toHaveCount(2);
    await expect(a.getByTestId('comment').nth(1).getByTestId('comment-edit')).toHaveCount(0);

    await a.getByTestId('comment').first().getByTestId('comment-delete').click();
    await a.getByTestId('comment-delete-confirm').click();
    await expect(commentB).toHaveCount(1);
    await expect(commentB).toContainText('Thanks!');

    // Activity: newest first, with names, translated fields and values.
    await a.getByTestId('detail-priority').selectOption('urgent');
    await a.getByTestId('detail-status').selectOption('review');
    const activityB = b.getByTestId('activity-text');
    await expect(activityB.first()).toHaveText(`${owner.name} moved this from Backlog to Review`);
    await expect(activityB.nth(1)).toHaveText(`${owner.name} changed priority from High to Urgent`);
    await expect(activityB.filter({ hasText: 'checked' })).toHaveText([
      `${member.name} checked “Drain node”`
    ]);
    await expect(activityB.filter({ hasText: 'comment' })).toHaveText([
      `${owner.name} deleted a comment`,
      `${member.name} commented`,
      `${owner.name} edited a comment`,
      `${owner.name} commented`
    ]);
    await expect(activityB.last()).toHaveText(`${owner.name} created this task`);
    await expect(b.getByTestId('activity-entry').first().locator('time')).toHaveText(/now/);
  });

  test('activity comes from the server: exported as CSV; offline the page says so', async ({
    browser
  }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('detail-activity', { member: null });
    const task = await createTask(ws, { title: 'Renew the wildcard certificate' });
    const client = await openClient(browser);
    const page = await open(client, `/w/${ws}/tasks/${task.key}`);
    const texts = page.getByTestId('activity-text');
    await expect(texts.last()).toHaveText(`${owner.name} created this task`);

    // The export is the server's CSV of the same entries.
    const exportLink = page.getByTestId('activity-export');
    await expect(exportLink).toHaveText('Export CSV');
    const href = await exportLink.getAttribute('href');
    expect(href).toBe(`/api/v1/workspaces/${ws}/tasks/${task.id}/activity/export?format=csv`);
    const csv = await page.request.get(href!);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(await csv.text()).toContain(`,${owner.name},created,`);

    // Offline, an edit still applies locally; the activity cannot be refreshed and says so,
    // keeping what was loaded. Back online it catches up.
    await client.context.setOffline(true);
    await page.getByTestId('detail-priority').selectOption('urgent');
    await expect(page.getByTestId('activity-error')).toHaveText(
      /Offline: showing the activity loaded earlier\./
    );
    await expect(texts.last()).toHaveText(`${owner.name} created this task`);
    await client.context.setOffline(false);
    await expect(texts.first()).toHaveText(
      `${owner.name} changed priority from No priority to Urgent`,
      {
        timeout: 10_000
      }
    );
    await expect(page.getByTestId('activity-error')).toHaveCount(0);
  });

  test('archive shows a banner and restore brings the card back', async ({ browser }) => {
    const ws = await newWorkspace('detail-archive', { member: null });
    const task = await createTask(ws, { title: 'Retire the old VPN', kind: 'incident' });
    const page = await open(await openClient(browser), `/w/${ws}/tasks/${task.key}`);

    await page.getByTestId('detail-acknowledge').click();
    await expect(page.getByTestId('lifecycle-acknowledged').locator('time')).toHaveCount(1);
    await expect(page.getByTestId('detail-acknowledge')).toHaveCount(0);

    await page.getByTestId('detail-archive').click();
    await expect(page.getByTestId('detail-archived')).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('detail-archived')).toBeVisible();
    await page.getByTestId('detail-restore').click();
    await expect(page.getByTestId('detail-archived')).toHaveCount(0);
    await page.getByTestId('detail-back').click();
    await expect(card(page, task.id)).toBeVisible();
  });

  test('two people typing in the description at different places both keep their text', async ({
    browser
  }) => {
    const { member } = e2eAccounts();
    const ws = await newWorkspace('detail-cotype');
    const task = await createTask(ws, {
      title: 'Write the failover runbook',
      description: 'Intro line.\n\nMiddle line.\n\nLast line.'
    });
    const path = `/w/${ws}/tasks/${task.key}`;
    const a = await open(await openClient(browser), path);
    const b = await open(await openClient(browser, { user: member }), path);

    await a.getByTestId('detail-description-edit').click();
    await b.getByTestId('detail-description-edit').click();
    const inputA = a.getByTestId('detail-description-input');
    const inputB = b.getByTestId('detail-description-input');
    await inputA.press('Control+Home');
    await inputB.press('Control+End');
    // Interleaved: each side types while the other's text is still arriving.
    for (const word of ['Alpha ', 'bravo ', 'charlie ']) {
      await inputA.pressSequentially(word, { delay: 15 });
      await inputB.pressSequentially(` ${word.trim()}-b`, { delay: 15 });
    }
    const expected =
      'Alpha bravo charlie Intro line.\n\nMiddle line.\n\nLast line. Alpha-b bravo-b charlie-b';
    await expect(inputA).toHaveValue(expected);
    await expect(inputB).toHaveValue(expected);
    await a.getByTestId('detail-description-done').click();
    await b.getByTestId('detail-description-done').click();
    for (const page of [a, b]) {
      await expect(page.getByTestId('detail-description')).toContainText(
        'Alpha bravo charlie Intro line.'
      );
      await expect(page.getByTestId('detail-description')).toContainText(
        'Last line. Alpha-b bravo-b charlie-b'
      );
    }
  });

  test('a description full of HTML and script links renders inert', async ({ browser }) => {
    const ws = await newWorkspace('detail-xss', { member: null });
    const description = [
      '# Heading',
      '',
      'Text <script>window.__xss = 1; alert(1)</script> and <img src=x onerror="alert(2)">.',
      '',
      '<iframe src="javascript:alert(3)"></iframe>',
      '',
      '[x](javascript:alert(1)) [y](JAVASCRIPT:alert(4)) [ok](https://example.com/docs) ![i](javascript:alert(5))',
      '',
      '- [x] checked item',
      '- [ ] open item',
      '',
      '```sh',
      'echo "<b>not bold</b>"',
      '```'
    ].join('\n');
    const task = await createTask(ws, { title: 'Sanitiser check', description });
    const client = await openClient(browser);
    const dialogs: string[] = [];
    client.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const page = await open(client, `/w/${ws}/tasks/${task.key}`);
    const rendered = page.getByTestId('detail-description');
    await expect(rendered.locator('h3')).toHaveText('Heading');
    await expect(rendered).toContainText('<script>window.__xss = 1; alert(1)</script>');
    await expect(rendered).toContainText('<img src=x onerror="alert(2)">');
    await expect(rendered.locator('script, img, iframe')).toHaveCount(0);
    await expect(page.locator('[onerror]')).toHaveCount(0);
    // Only the https link is a link; the javascript: ones are text.
    await expect(rendered.locator('a')).toHaveCount(1);
    await expect(rendered.locator('a')).toHaveAttribute('href', 'https://example.com/docs');
    await expect(rendered.locator('a')).toHaveAttribute('rel', 'noopener noreferrer');
    await expect(page.locator('a[href^="javascript" i]')).toHaveCount(0);
    await expect(rendered.locator('input[type="checkbox"]')).toHaveCount(2);
    await expect(rendered.locator('input[type="checkbox"]').first()).toBeChecked();
    await expect(rendered.locator('input[type="checkbox"]').first()).toBeDisabled();
    await expect(rendered.locator('pre code')).toHaveText('echo "<b>not bold</b>"');
    await expect(rendered.locator('b')).toHaveCount(0);
    expect(dialogs).toEqual([]);
    expect(
      await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)
    ).toBeUndefined();
  });
});

test.describe('roles and languages', () => {
  test('a viewer sees the task without any edit control', async ({ browser }) => {
    const { member } = e2eAccounts();
    const ws = await newWorkspace('detail-viewer', { member: 'viewer' });
    const task = await createTask(ws, {
      title: 'Read-only check',
      description: 'Some **notes**.',
      priority: 'low'
    });
    const api = await apiAs(e2eAccounts().owner);
    try {
      const base = `/api/v1/workspaces/${ws}/tasks/${task.id}`;
      const item = await api.post(`${base}/checklist`, { data: { text: 'Check the logs' } });
      expect(item.status(), await item.text()).toBe(201);
      const comment = await api.post(`${base}/comments`, { data: { body: 'From the owner' } });
      expect(comment.status(), await comment.text()).toBe(201);
    } finally {
      await api.dispose();
    }
    const page = await open(
      await openClient(browser, { user: member }),
      `/w/${ws}/tasks/${task.key}`
    );
    await expect(page.getByTestId('detail-title')).toHaveText('Read-only check');
    await expect(page.getByTestId('checklist-item')).toHaveText('Check the logs');
    await expect(page.getByTestId('checklist-check')).toBeDisabled();
    await expect(page.getByTestId('comment-body')).toHaveText('From the owner');
    await expect(page.getByTestId('detail-read-only')).toBeVisible();
    await expect(page.getByTestId('detail-priority')).toHaveText('Low');
    await expect(page.getByTestId('detail-description').locator('strong')).toHaveText('notes');
    await expect(
      page.getByTestId('task-detail').locator('input:not([disabled]), select, textarea')
    ).toHaveCount(0);
    for (const id of [
      'detail-archive',
      'detail-description-edit',
      'detail-label-new',
      'detail-link-form',
      'checklist-add',
      'checklist-remove',
      'comment-input',
      'comment-edit',
      'comment-delete'
    ]) {
      await expect(page.getByTestId(id)).toHaveCount(0);
    }
    await expect(page.getByTestId('detail-title').getByRole('button')).toHaveCount(0);
  });

  test('renders in Chinese', async ({ browser }) => {
    const ws = await newWorkspace('detail-zh', { member: null });
    const task = await createTask(ws, {
      title: '扩容 Redis 集群',
      kind: 'incident',
      priority: 'urgent'
    });
    const page = await open(
      await openClient(browser, { locale: 'zh-CN' }),
      `/w/${ws}/tasks/${task.key}`
    );
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByTestId('detail-title')).toHaveText('扩容 Redis 集群');
    await expect(page.getByLabel('优先级')).toHaveValue('urgent');
    await expect(page.getByTestId('detail-priority').locator('option:checked')).toHaveText('紧急');
    await expect(page.getByTestId('detail-status').locator('option:checked')).toHaveText('待规划');
    await expect(page.getByTestId('detail-acknowledge')).toHaveText('确认事件');
    await expect(page.getByTestId('detail-fields')).toContainText('截止日期');
    await expect(page.getByTestId('detail-fields')).toContainText('负责人');
    await expect(page.getByTestId('detail-description-edit')).toHaveText('编辑');
    await expect(page.getByRole('button', { name: '添加描述…' })).toBeVisible();
    await expect(page.getByTestId('checklist')).toContainText('还没有检查项。');
    await expect(page.getByTestId('comment-submit')).toHaveText('发表评论');

    // The activity reads as Chinese, values included.
    const { owner } = e2eAccounts();
    await page.getByTestId('detail-priority').selectOption('high');
    await expect(page.getByTestId('activity-text').first()).toHaveText(
      `${owner.name} 将优先级从 紧急 改为 高`
    );
    await expect(page.getByTestId('activity-text').last()).toHaveText(`${owner.name} 创建了此任务`);

    const missing = await open(
      await openClient(browser, { locale: 'zh-CN' }),
      `/w/${ws}/tasks/OPS-424242`
    );
    await expect(missing.getByTestId('detail-not-found')).toContainText('找不到该任务');
  });
});
