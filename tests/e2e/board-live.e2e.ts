/**
 * The board loop in real Chromium against the production build: two browser contexts (owner and
 * member, each signed in with the session saved by global-setup.ts; separate IndexedDB and no
 * shared BroadcastChannel, so everything goes through the server) co-edit one board; offline
 * edits are counted and sync back; the UI switches to Chinese; viewers get a read-only board and
 * non-members a 404. Each test makes its own workspace (`newWorkspace`), so tests never see
 * each other's tasks.
 */
import {
  expect,
  test,
  type Browser,
  type BrowserContext,
  type Page,
  type WebSocket
} from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn, type E2eUser } from './fixtures';

interface Client {
  context: BrowserContext;
  page: Page;
}

/** A new browser context signed in as `user` (owner by default) and a page in it. */
async function openPage(
  browser: Browser,
  options: { user?: E2eUser; locale?: string } = {}
): Promise<Client> {
  const context = await browser.newContext({
    ...signedIn(options.user ?? e2eAccounts().owner),
    locale: options.locale ?? 'en-US'
  });
  return { context, page: await context.newPage() };
}

/** Opens the board of `ws` as `user` and waits until it is online and synced. */
async function openBoard(
  browser: Browser,
  ws: string,
  options: { user?: E2eUser; locale?: string } = {}
): Promise<Client> {
  const client = await openPage(browser, options);
  await client.page.goto(`/w/${ws}/board`);
  await expectSynced(client.page);
  return client;
}

async function expectSynced(page: Page, timeout = 10_000): Promise<void> {
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-state', 'online', { timeout });
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout });
}

async function addTask(
  page: Page,
  title: string,
  options: { kind?: string; priority?: string } = {}
): Promise<void> {
  await page.getByTestId('new-task-title').fill(title);
  if (options.kind) await page.getByTestId('new-task-kind').selectOption(options.kind);
  if (options.priority) await page.getByTestId('new-task-priority').selectOption(options.priority);
  await page.getByTestId('new-task-submit').click();
}

function card(page: Page, title: string) {
  return page.getByTestId('task-card').filter({ hasText: title });
}

test.describe('live board', () => {
  let clients: Client[] = [];

  test.afterEach(async () => {
    await Promise.all(clients.map((c) => c.context.close()));
    clients = [];
  });

  test('a task added on one page shows on the other within a second, both ways', async ({
    browser
  }) => {
    const { member } = e2eAccounts();
    const ws = await newWorkspace('live');
    const a = await openBoard(browser, ws);
    const b = await openBoard(browser, ws, { user: member });
    clients.push(a, b);
    await expect(a.page.getByTestId('board-empty')).toBeVisible();

    const first = 'Rotate TLS certificates on the edge proxies';
    await addTask(a.page, first, { kind: 'change', priority: 'high' });
    await expect(card(a.page, first)).toBeVisible();
    await expect(card(b.page, first)).toBeVisible({ timeout: 1_000 });
    await expect(card(b.page, first)).toHaveAttribute('data-kind', 'change');
    await expect(card(b.page, first).getByTestId('task-priority')).toHaveText('High');
    // New tasks go to the first to-do column.
    await expect(b.page.locator('[data-column-id="backlog"]').getByTestId('task-card')).toHaveCount(
      1
    );

    const second = 'Investigate 502s on checkout';
    await addTask(b.page, second, { kind: 'incident', priority: 'urgent' });
    await expect(card(a.page, second)).toBeVisible({ timeout: 1_000 });
    await expect(card(a.page, second).getByTestId('task-kind')).toHaveText('Incident');

    for (const { page } of [a, b]) {
      await expect(page.getByTestId('task-card')).toHaveCount(2);
      await expect(page.getByTestId('task-count')).toHaveText('2 tasks');
    }
  });

  test('an empty title shows an inline error and adds nothing', async ({ browser }) => {
    const a = await openBoard(browser, await newWorkspace('form', { member: null }));
    clients.push(a);
    const { page } = a;

    await page.getByTestId('new-task-title').fill('   ');
    await page.getByTestId('new-task-submit').click();
    await expect(page.getByTestId('new-task-error')).toHaveText('Enter a title.');
    await expect(page.getByTestId('new-task-title')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('new-task-title')).toBeFocused();
    await expect(page.getByTestId('task-card')).toHaveCount(0);
    await expect(page.getByTestId('board-empty')).toBeVisible();

    // Typing clears the error; a valid title is added and the field is emptied.
    await page.getByTestId('new-task-title').fill('Patch the bastion host');
    await expect(page.getByTestId('new-task-error')).toHaveCount(0);
    await page.getByTestId('new-task-submit').click();
    await expect(card(page, 'Patch the bastion host')).toBeVisible();
    await expect(page.getByTestId('new-task-title')).toHaveValue('');
  });

  test('edits made offline are counted and reach the other page when back online', async ({
    browser
  }) => {
    const { member } = e2eAccounts();
    const ws = await newWorkspace('offline');
    const a = await openBoard(browser, ws);
    const b = await openBoard(browser, ws, { user: member });
    clients.push(a, b);

    await a.context.setOffline(true);
    await expect(a.page.getByTestId('sync-badge')).toHaveAttribute('data-state', 'offline');
    await expect(a.page.getByTestId('sync-offline')).toBeVisible();

    await addTask(a.page, 'Written on the train');
    await addTask(a.page, 'Also written offline', { priority: 'low' });
    await expect(card(a.page, 'Written on the train')).toBeVisible();
    await expect(a.page.getByTestId('sync-pending')).toHaveText('2 changes waiting');
    await expect(b.page.getByTestId('task-card')).toHaveCount(0);

    await a.context.setOffline(false);
    await expectSynced(a.page);
    await expect(a.page.getByTestId('sync-pending')).toHaveCount(0);
    await expect(card(b.page, 'Written on the train')).toBeVisible();
    await expect(card(b.page, 'Also written offline')).toBeVisible();
  });

  test('switching to 中文 renders Chinese labels and is remembered', async ({ browser }) => {
    const ws = await newWorkspace('zh', { member: null });
    const a = await openBoard(browser, ws);
    clients.push(a);
    const { page, context } = a;
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByTestId('new-task-submit')).toHaveText('Add task');

    await page.getByTestId('lang-zh-CN').click();
    await expect(page.getByTestId('lang-zh-CN')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('看板');
    await expect(page.getByTestId('new-task-submit')).toHaveText('添加任务');
    await expect(page.getByLabel('标题')).toBeVisible();
    await expect(page.getByTestId('sync-label')).toHaveText('在线');
    await expect(page.getByTestId('board-empty')).toContainText('还没有任务');

    await addTask(page, '扩容 Redis 集群', { kind: 'incident', priority: 'urgent' });
    const zhCard = card(page, '扩容 Redis 集群');
    await expect(zhCard.getByTestId('task-kind')).toHaveText('事件');
    await expect(zhCard.getByTestId('task-priority')).toHaveText('紧急');
    await expect(zhCard.getByTestId('task-assignee')).toHaveText('未分配');
    await expect(page.locator('[data-column-id="backlog"] h2')).toHaveText('待规划');

    // The cookie makes the server render the next page load in Chinese from the first byte.
    const html = await (await context.request.get(`/w/${ws}/board`)).text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('添加任务');
    await page.reload();
    await expect(page.getByTestId('new-task-submit')).toHaveText('添加任务');

    await page.getByTestId('lang-en').click();
    await expect(page.getByTestId('new-task-submit')).toHaveText('Add task');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });

  test('a Chinese browser gets the Chinese UI without choosing', async ({ browser }) => {
    const a = await openBoard(browser, await newWorkspace('zh-auto', { member: null }), {
      locale: 'zh-CN'
    });
    clients.push(a);
    await expect(a.page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(a.page.getByTestId('new-task-submit')).toHaveText('添加任务');
  });
});

test.describe('roles', () => {
  test('a viewer gets a read-only board without the add form, and still sees live edits', async ({
    browser
  }) => {
    const { member } = e2eAccounts();
    const ws = await newWorkspace('viewer', { member: 'viewer' });
    const owner = await openBoard(browser, ws);
    const viewer = await openBoard(browser, ws, { user: member });
    try {
      await expect(owner.page.getByTestId('new-task-title')).toBeVisible();
      await expect(owner.page.getByTestId('board-read-only')).toHaveCount(0);

      await expect(viewer.page.getByTestId('workspace-switcher-role')).toHaveText('Viewer');
      await expect(viewer.page.getByTestId('board-read-only')).toHaveText(
        'Read-only: viewers can see this board but not change it.'
      );
      await expect(viewer.page.getByTestId('new-task-title')).toHaveCount(0);
      await expect(viewer.page.getByTestId('new-task-submit')).toHaveCount(0);
      await expect(viewer.page.getByTestId('board-empty')).toContainText(
        'Tasks appear here as soon as someone adds them.'
      );

      await addTask(owner.page, 'Read by the viewer');
      await expect(card(viewer.page, 'Read by the viewer')).toBeVisible();

      await viewer.page.getByTestId('lang-zh-CN').click();
      await expect(viewer.page.getByTestId('board-read-only')).toHaveText(
        '只读：查看者可以浏览此看板，但不能修改。'
      );
    } finally {
      await owner.context.close();
      await viewer.context.close();
    }
  });

  test('a signed-in non-member gets a 404 for the board, like an unknown workspace', async ({
    browser
  }) => {
    const { member } = e2eAccounts();
    const ws = await newWorkspace('private', { member: null });
    const { context, page } = await openPage(browser, { user: member });
    try {
      const response = await page.goto(`/w/${ws}/board`);
      expect(response?.status()).toBe(404);
      await expect(page.getByTestId('error-page')).toHaveAttribute('data-status', '404');
      await expect(page.getByTestId('board-page')).toHaveCount(0);
      // The same answer as for a workspace that does not exist at all: ids do not leak.
      const unknown = await page.goto(`/w/no-such-${ws}/board`);
      expect(unknown?.status()).toBe(404);
      // The owner opens it.
      const owner = await openBoard(browser, ws);
      await owner.context.close();
    } finally {
      await context.close();
    }
  });
});

test.describe('connection lifecycle', () => {
  test('leaving a board closes its connection; the next board opens its own', async ({
    browser
  }) => {
    const { workspaceId: shared } = e2eAccounts();
    const ws = await newWorkspace('teardown', { member: null });
    const { context, page } = await openPage(browser);
    try {
      const sockets: WebSocket[] = [];
      page.on('websocket', (socket) => sockets.push(socket));
      await page.goto(`/w/${ws}/board`);
      await expectSynced(page);
      const [first] = sockets;
      expect(sockets).toHaveLength(1);
      expect(first?.url()).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/sync/${ws}\\.board$`));
      const firstClosed = first?.waitForEvent('close');

      // Client-side navigation through the workspace switcher: same page component.
      await page.getByTestId('workspace-switcher-button').click();
      await page
        .locator(`[data-testid="workspace-switcher-item"][data-workspace-id="${shared}"]`)
        .click();
      await expect(page).toHaveURL(new RegExp(`/w/${shared}/board$`));
      await expect(page.getByTestId('workspace-name')).toHaveAttribute('data-workspace-id', shared);
      await firstClosed;
      await expectSynced(page);
      const open = sockets.filter((socket) => !socket.isClosed()).map((socket) => socket.url());
      expect(open).toEqual([expect.stringMatching(new RegExp(`/sync/${shared}\\.board$`))]);
    } finally {
      await context.close();
    }
  });
});

test.describe('pages and headers', () => {
  test('`/` opens the workspace opened last', async ({ browser }) => {
    const { workspaceId: shared } = e2eAccounts();
    const ws = await newWorkspace('last', { member: null });
    const { context, page } = await openPage(browser);
    try {
      await page.goto(`/w/${ws}/board`);
      await expectSynced(page);
      await page.goto('/');
      await expect(page).toHaveURL(new RegExp(`/w/${ws}/board$`));
      await expect(page.getByTestId('workspace-name')).toHaveAttribute('data-workspace-id', ws);

      await page.goto(`/w/${shared}/board`);
      await page.goto('/');
      await expect(page).toHaveURL(new RegExp(`/w/${shared}/board$`));
      await expect(page.getByTestId('workspace-name')).toHaveAttribute('data-workspace-id', shared);
    } finally {
      await context.close();
    }
  });

  test('an invalid workspace id is a 404', async ({ browser }) => {
    const { context, page } = await openPage(browser);
    try {
      const response = await page.goto('/w/-not-an-id/board');
      expect(response?.status()).toBe(404);
      await expect(page.getByTestId('error-page')).toHaveAttribute('data-status', '404');
    } finally {
      await context.close();
    }
  });

  test('pages carry the security headers', async () => {
    const { owner, workspaceId } = e2eAccounts();
    const api = await apiAs(owner);
    try {
      const response = await api.get(`/w/${workspaceId}/board`);
      expect(response.status()).toBe(200);
      const headers = response.headers();
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('same-origin');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['content-security-policy']).toContain("object-src 'none'");
    } finally {
      await api.dispose();
    }
  });
});
