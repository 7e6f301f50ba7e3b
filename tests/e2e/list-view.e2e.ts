/**
 * The list view and "my tasks" in real Chromium against the production build: filters that live
 * in the URL (and survive a reload), sorting by header, saved filters, bulk edit seen by a second
 * context on the board, "my tasks", virtualisation of a 2,000-task board, viewers without
 * checkboxes, and the Chinese UI. Each test seeds its own workspace through the REST API.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn, type E2eUser } from './fixtures';

interface Client {
  context: BrowserContext;
  page: Page;
}

interface Seed {
  title: string;
  description?: string;
  priority?: 'urgent' | 'high' | 'medium' | 'low' | 'none';
  kind?: 'task' | 'incident' | 'change';
  assignee?: string | null;
  status?: string;
  dueAt?: string | null;
}

/** Creates `tasks` in `ws` through the REST API, in parallel batches of 50. */
async function seed(ws: string, tasks: readonly Seed[]): Promise<void> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    for (let i = 0; i < tasks.length; i += 50) {
      await Promise.all(
        tasks.slice(i, i + 50).map(async (task) => {
          const response = await api.post(`/api/v1/workspaces/${ws}/tasks`, { data: task });
          if (response.status() !== 201) throw new Error(`seed: ${await response.text()}`);
        })
      );
    }
  } finally {
    await api.dispose();
  }
}

async function open(
  browser: Browser,
  path: string,
  options: { user?: E2eUser; locale?: string; syncTimeout?: number } = {}
): Promise<Client> {
  const context = await browser.newContext({
    ...signedIn(options.user ?? e2eAccounts().owner),
    locale: options.locale ?? 'en-US'
  });
  const page = await context.newPage();
  await page.goto(path);
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-synced', 'true', {
    timeout: options.syncTimeout ?? 10_000
  });
  return { context, page };
}

const rows = (page: Page) => page.getByTestId('task-row');
const row = (page: Page, title: string) => rows(page).filter({ hasText: title });

/** Titles of the rendered rows, top to bottom. */
async function rowTitles(page: Page): Promise<string[]> {
  return rows(page)
    .getByTestId('row-title')
    .allTextContents()
    .then((titles) => titles.map((title) => title.trim()));
}

/** Ticks the option `value` of the multi-select filter `field`. */
async function pick(page: Page, field: string, value: string): Promise<void> {
  await page.getByTestId(`filter-${field}`).click();
  await page.locator(`[data-testid="filter-${field}-option"][data-value="${value}"]`).check();
  await page.keyboard.press('Escape');
}

test.describe('list view', () => {
  let clients: Client[] = [];

  test.afterEach(async () => {
    await Promise.all(clients.map((c) => c.context.close()));
    clients = [];
  });

  test('filters by text, priority and assignee; the URL carries them through a reload', async ({
    browser
  }) => {
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('list-filter');
    await seed(ws, [
      { title: 'Disk full on db-1', priority: 'urgent', assignee: owner.id },
      { title: 'Disk latency on db-2', priority: 'low', assignee: owner.id },
      { title: 'Disk alert on cache', priority: 'urgent', assignee: member.id },
      { title: 'Renew certificates', priority: 'urgent', assignee: owner.id },
      { title: 'Tidy the wiki', description: 'old disk notes', priority: 'none' }
    ]);
    const a = await open(browser, `/w/${ws}/list`);
    clients.push(a);
    const { page } = a;
    await expect(rows(page)).toHaveCount(5);
    await expect(page.getByTestId('list-count')).toHaveText('5 tasks');

    // Text matches key and title, case-insensitively, after the debounce. Not the description:
    // it lives in the task's own document, not on the board (ARCHITECTURE "Board scale").
    await page.getByTestId('filter-text').fill('DISK');
    await expect(rows(page)).toHaveCount(3);
    await expect(row(page, 'Tidy the wiki')).toHaveCount(0);
    await expect(page).toHaveURL(/[?&]q=DISK/);

    await pick(page, 'priority', 'urgent');
    await expect(rows(page)).toHaveCount(2);
    await expect(page).toHaveURL(/priority=urgent/);

    await pick(page, 'assignee', owner.id);
    await expect(rows(page)).toHaveCount(1);
    await expect(row(page, 'Disk full on db-1')).toBeVisible();
    await expect(page.getByTestId('list-count')).toHaveText('1 of 5');
    await expect(page.getByTestId('filter-chip')).toHaveCount(3);

    await page.reload();
    await expect(rows(page)).toHaveCount(1);
    await expect(row(page, 'Disk full on db-1')).toBeVisible();
    await expect(page.getByTestId('filter-text')).toHaveValue('DISK');

    // Removing a chip widens the list; "Clear" empties the URL.
    await page
      .getByTestId('filter-chip')
      .filter({ hasText: 'Priority' })
      .getByTestId('filter-chip-remove')
      .click();
    await expect(rows(page)).toHaveCount(2);
    await page.getByTestId('filter-clear').click();
    await expect(rows(page)).toHaveCount(5);
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/list$`));

    // An unknown value in a hand-edited URL is ignored, not an error.
    await page.goto(`/w/${ws}/list?priority=urgent,bogus&due=someday`);
    await expect(rows(page)).toHaveCount(3);

    // No matches: an explanation and a way out.
    await page.getByTestId('filter-text').fill('nothing like this');
    await expect(page.getByTestId('list-no-matches')).toBeVisible();
    await page.getByTestId('no-matches-clear').click();
    await expect(rows(page)).toHaveCount(5);
    await expect(page.getByTestId('filter-text')).toHaveValue('');
  });

  test('sorts by a column header, with aria-sort', async ({ browser }) => {
    const ws = await newWorkspace('list-sort', { member: null });
    await seed(ws, [
      { title: 'Low one', priority: 'low' },
      { title: 'Urgent one', priority: 'urgent' },
      { title: 'Without priority', priority: 'none' },
      { title: 'High one', priority: 'high' },
      { title: 'Medium one', priority: 'medium' }
    ]);
    const a = await open(browser, `/w/${ws}/list`);
    clients.push(a);
    const { page } = a;
    await expect(rows(page)).toHaveCount(5);

    const header = page.getByRole('columnheader', { name: 'Priority' });
    await expect(header).toHaveAttribute('aria-sort', 'none');
    await page.getByTestId('sort-priority').click();
    await expect(header).toHaveAttribute('aria-sort', 'descending');
    await expect(page).toHaveURL(/sort=-priority/);
    expect(await rowTitles(page)).toEqual([
      'Urgent one',
      'High one',
      'Medium one',
      'Low one',
      'Without priority'
    ]);

    await page.getByTestId('sort-priority').click();
    await expect(header).toHaveAttribute('aria-sort', 'ascending');
    await expect(rows(page).first()).toContainText('Low one');
    await expect(rows(page).last()).toContainText('Without priority');
  });

  test('saves a filter and applies it again', async ({ browser }) => {
    const ws = await newWorkspace('list-saved', { member: null });
    await seed(ws, [
      { title: 'Incident A', kind: 'incident', priority: 'urgent' },
      { title: 'Incident B', kind: 'incident', priority: 'low' },
      { title: 'Plain task', kind: 'task', priority: 'urgent' }
    ]);
    const a = await open(browser, `/w/${ws}/list`);
    clients.push(a);
    const { page } = a;
    await expect(rows(page)).toHaveCount(3);

    await pick(page, 'kind', 'incident');
    await pick(page, 'priority', 'urgent');
    await expect(rows(page)).toHaveCount(1);

    await page.getByTestId('saved-filter-save').click();
    await page.getByTestId('saved-filter-name').fill('Urgent incidents');
    await page.getByTestId('saved-filter-confirm').click();
    const saved = page.getByTestId('saved-filter').filter({ hasText: 'Urgent incidents' });
    await expect(saved).toHaveAttribute('aria-pressed', 'true');

    await page.getByTestId('filter-clear').click();
    await expect(rows(page)).toHaveCount(3);
    await expect(saved).toHaveAttribute('aria-pressed', 'false');

    await saved.click();
    await expect(rows(page)).toHaveCount(1);
    await expect(row(page, 'Incident A')).toBeVisible();
    await expect(page).toHaveURL(/kind=incident/);

    // Kept in this browser across page loads; deleting removes it.
    await page.goto(`/w/${ws}/list`);
    await expect(page.getByTestId('saved-filter')).toHaveCount(1);
    await page.getByTestId('saved-filter-delete').click();
    await expect(page.getByTestId('saved-filter')).toHaveCount(0);
  });

  test('bulk-changes the priority of 3 tasks, seen on the board of a second context', async ({
    browser
  }) => {
    const { member } = e2eAccounts();
    const ws = await newWorkspace('list-bulk');
    await seed(ws, [
      { title: 'Bulk one', priority: 'low' },
      { title: 'Bulk two', priority: 'low' },
      { title: 'Bulk three', priority: 'medium' },
      { title: 'Left alone', priority: 'low' }
    ]);
    const a = await open(browser, `/w/${ws}/list`);
    const b = await open(browser, `/w/${ws}/board`, { user: member });
    clients.push(a, b);
    const { page } = a;
    await expect(rows(page)).toHaveCount(4);

    for (const title of ['Bulk one', 'Bulk two', 'Bulk three']) {
      await row(page, title).getByTestId('task-select').check();
    }
    await expect(page.getByTestId('bulk-count')).toHaveText('3 selected');
    await page.getByTestId('bulk-priority').selectOption('urgent');
    await expect(page.getByTestId('bulk-message')).toHaveText('Changed 3 tasks.');
    await expect(row(page, 'Bulk two').getByTestId('row-priority')).toHaveText('Urgent');
    await expect(row(page, 'Left alone').getByTestId('row-priority')).toHaveText('Low');

    const urgentCards = b.page.locator('[data-testid="task-card"][data-priority="urgent"]');
    await expect(urgentCards).toHaveCount(3);
    await expect(b.page.getByTestId('task-card').filter({ hasText: 'Left alone' })).toHaveAttribute(
      'data-priority',
      'low'
    );

    // Applying the same value again changes nothing, and says so.
    await page.getByTestId('bulk-priority').selectOption('urgent');
    await expect(page.getByTestId('bulk-message')).toContainText('Nothing changed');

    // Select all matching, archive, and the board empties of them.
    await page.getByTestId('select-all').check();
    await expect(page.getByTestId('bulk-count')).toHaveText('4 selected');
    await page.getByTestId('bulk-archive').click();
    await expect(page.getByTestId('bulk-message')).toHaveText('Changed 4 tasks.');
    await expect(b.page.getByTestId('task-card')).toHaveCount(0);
    await page.getByTestId('filter-archived').selectOption('only');
    await expect(rows(page)).toHaveCount(4);
  });

  test('viewers see the list without checkboxes', async ({ browser }) => {
    const { member } = e2eAccounts();
    const ws = await newWorkspace('list-viewer', { member: 'viewer' });
    await seed(ws, [{ title: 'Read but do not touch' }]);
    const v = await open(browser, `/w/${ws}/list`, { user: member });
    clients.push(v);
    await expect(rows(v.page)).toHaveCount(1);
    await expect(v.page.getByTestId('task-select')).toHaveCount(0);
    await expect(v.page.getByTestId('select-all')).toHaveCount(0);
  });

  test('"my tasks" shows only my open tasks, soonest due first', async ({ browser }) => {
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('list-my');
    const day = 24 * 60 * 60 * 1000;
    await seed(ws, [
      {
        title: 'Mine later',
        assignee: owner.id,
        dueAt: new Date(Date.now() + 3 * day).toISOString()
      },
      {
        title: 'Mine overdue',
        assignee: owner.id,
        dueAt: new Date(Date.now() - day).toISOString()
      },
      { title: 'Mine undated', assignee: owner.id },
      { title: 'Mine but done', assignee: owner.id, status: 'done' },
      { title: 'Theirs', assignee: member.id },
      { title: 'Nobody’s' }
    ]);
    const a = await open(browser, `/w/${ws}/my`);
    clients.push(a);
    const { page } = a;
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('My tasks');
    await expect(rows(page)).toHaveCount(3);
    expect(await rowTitles(page)).toEqual(['Mine overdue', 'Mine later', 'Mine undated']);
    await expect(row(page, 'Mine overdue').getByTestId('row-due')).toHaveClass(/overdue/);
    await expect(page.getByTestId('nav-my')).toHaveAttribute('aria-current', 'page');

    await page.getByTestId('summary-overdue').click();
    await expect(rows(page)).toHaveCount(1);
    await expect(page).toHaveURL(/due=overdue/);

    // The member's "my tasks" is theirs.
    const b = await open(browser, `/w/${ws}/my`, { user: member });
    clients.push(b);
    await expect(rows(b.page)).toHaveCount(1);
    await expect(row(b.page, 'Theirs')).toBeVisible();

    // On a phone the rows are compact two-line items.
    await page.setViewportSize({ width: 375, height: 740 });
    await page.getByTestId('summary-overdue').click();
    await expect(rows(page)).toHaveCount(3);
    const box = await rows(page).first().boundingBox();
    expect(box?.height).toBe(64);
    expect(box?.width).toBeLessThanOrEqual(375);
  });

  test('a 2,000-task board renders only the visible rows and scrolls to the last', async ({
    browser
  }) => {
    test.setTimeout(180_000);
    const ws = await newWorkspace('list-virtual', { member: null });
    await seed(
      ws,
      Array.from({ length: 2000 }, (_, i) => ({
        title: `Generated task ${i + 1}`,
        priority: (['urgent', 'high', 'medium', 'low', 'none'] as const)[i % 5]
      }))
    );
    // The first sync of a 2,000-task board is a big download on a busy test machine.
    const a = await open(browser, `/w/${ws}/list?sort=key`, { syncTimeout: 60_000 });
    clients.push(a);
    const { page } = a;
    await expect(page.getByTestId('list-count')).toHaveText('2000 tasks');
    const rendered = await rows(page).count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(100);
    await expect(rows(page).first().getByTestId('row-key')).toHaveText('OPS-1');

    const scroller = page.getByTestId('task-list-scroller');
    // Rows are recycled while scrolling: each must still show the task of its position.
    await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight / 2 }));
    await expect(rows(page).filter({ has: page.getByText('OPS-1', { exact: true }) })).toHaveCount(
      0
    );
    const mismatched = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="task-row"]')]
        .map((element) => ({
          index: Number(element.getAttribute('aria-rowindex')) - 1,
          key: element.querySelector('[data-testid="row-key"]')?.textContent?.trim()
        }))
        .filter(({ index, key }) => key !== `OPS-${index}`)
    );
    expect(mismatched).toEqual([]);
    await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    const last = rows(page).filter({ has: page.getByText('OPS-2000', { exact: true }) });
    await expect(last).toBeVisible();
    expect(await rows(page).count()).toBeLessThan(100);
    // The header stays in view at the bottom of the list.
    await expect(page.getByRole('columnheader', { name: 'Title' })).toBeInViewport();
  });

  test('renders in Chinese', async ({ browser }) => {
    const ws = await newWorkspace('list-zh', { member: null });
    await seed(ws, [{ title: '数据库主从延迟', priority: 'urgent', kind: 'incident' }]);
    const a = await open(browser, `/w/${ws}/list`, { locale: 'zh-CN' });
    clients.push(a);
    const { page } = a;
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('列表');
    await expect(page.getByTestId('nav-my')).toHaveText('我的任务');
    await expect(page.getByRole('columnheader', { name: '优先级' })).toBeVisible();
    await expect(page.getByTestId('filter-text')).toHaveAttribute('placeholder', '搜索编号或标题');
    await expect(row(page, '数据库主从延迟').getByTestId('row-priority')).toHaveText('紧急');
    await expect(row(page, '数据库主从延迟').getByTestId('row-assignee')).toHaveText('未分配');
    await expect(page.getByTestId('list-count')).toHaveText('1 个任务');

    await page.getByTestId('filter-text').fill('主从');
    await expect(rows(page)).toHaveCount(1);
    await page.getByTestId('filter-text').fill('磁盘');
    await expect(page.getByTestId('list-no-matches')).toContainText('没有符合筛选条件的任务');
  });
});
