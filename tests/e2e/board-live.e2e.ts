/**
 * The board loop in real Chromium against the production build: two browser contexts (two
 * users, separate IndexedDB and no shared BroadcastChannel, so everything goes through the
 * server) co-edit one board; offline edits are counted and sync back; the UI switches to
 * Chinese.
 */
import {
  expect,
  test,
  type Browser,
  type BrowserContext,
  type Page,
  type WebSocket
} from '@playwright/test';

/** A workspace id no other test (or earlier run against the same server) uses. */
function uniqueWorkspace(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

interface Client {
  context: BrowserContext;
  page: Page;
}

/** Opens the board of `ws` in a new browser context and waits until it is online and synced. */
async function openBoard(browser: Browser, ws: string, locale = 'en-US'): Promise<Client> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await page.goto(`/w/${ws}/board`);
  await expectSynced(page);
  return { context, page };
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
    const ws = uniqueWorkspace('live');
    const a = await openBoard(browser, ws);
    const b = await openBoard(browser, ws);
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
    const a = await openBoard(browser, uniqueWorkspace('form'));
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
    const ws = uniqueWorkspace('offline');
    const a = await openBoard(browser, ws);
    const b = await openBoard(browser, ws);
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
    const ws = uniqueWorkspace('zh');
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
    const a = await openBoard(browser, uniqueWorkspace('zh-auto'), 'zh-CN');
    clients.push(a);
    await expect(a.page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(a.page.getByTestId('new-task-submit')).toHaveText('添加任务');
  });
});

test.describe('connection lifecycle', () => {
  test('leaving a board closes its connection; the next board opens its own', async ({ page }) => {
    const sockets: WebSocket[] = [];
    page.on('websocket', (socket) => sockets.push(socket));
    const ws = uniqueWorkspace('teardown');
    await page.goto(`/w/${ws}/board`);
    await expectSynced(page);
    const [first] = sockets;
    expect(sockets).toHaveLength(1);
    expect(first?.url()).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/sync/${ws}\\.board$`));
    const firstClosed = first?.waitForEvent('close');

    // Client-side navigation: `/` redirects to the demo board, same page component.
    await page.getByTestId('brand').click();
    await expect(page).toHaveURL(/\/w\/demo\/board$/);
    await firstClosed;
    await expectSynced(page);
    const open = sockets.filter((socket) => !socket.isClosed()).map((socket) => socket.url());
    expect(open).toEqual([expect.stringMatching(/\/sync\/demo\.board$/)]);
  });
});

test.describe('pages and headers', () => {
  test('`/` redirects to the demo board', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/w\/demo\/board$/);
    await expect(page.getByTestId('workspace-id')).toHaveText('demo');
  });

  test('an invalid workspace id is a 404', async ({ page }) => {
    const response = await page.goto('/w/-not-an-id/board');
    expect(response?.status()).toBe(404);
    await expect(page.getByTestId('error-page')).toHaveAttribute('data-status', '404');
  });

  test('pages carry the security headers', async ({ request }) => {
    const response = await request.get('/w/demo/board');
    expect(response.status()).toBe(200);
    const headers = response.headers();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('same-origin');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("object-src 'none'");
  });
});
