/**
 * The board view in real Chromium against the production build: cards moved by drag and drop
 * (between and within columns, order kept after a reload), by keyboard alone (seen live in a
 * second context), the same card moved to two columns at once by two people (one card
 * survives, in the same column for both), column management (add, rename, reorder, WIP limit,
 * delete), swimlanes by assignee (dropping into a lane reassigns), the Chinese board, and a
 * board of 5,000 open cards (rendered a page per column, growing on scroll). Each
 * test makes its own workspace, so tests never see each other's cards.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createTask, initBoard, listColumns } from '../../src/lib/shared/board/board-model';
import { connectClient, whenSynced } from '../helpers/clients';
import { apiAs, e2eAccounts, newWorkspace, signedIn, type E2eUser } from './fixtures';

interface Client {
  context: BrowserContext;
  page: Page;
}

let clients: Client[] = [];

test.afterEach(async () => {
  await Promise.all(clients.map((client) => client.context.close()));
  clients = [];
});

/** Opens the board of `ws` as `user` (owner by default), synced, and closes it after the test. */
async function openBoard(
  browser: Browser,
  ws: string,
  options: { user?: E2eUser; locale?: string; timeout?: number } = {}
): Promise<Page> {
  const context = await browser.newContext({
    ...signedIn(options.user ?? e2eAccounts().owner),
    locale: options.locale ?? 'en-US',
    // Wide and tall enough for the whole board: Playwright scrolls the target into view
    // between mouse down and the first move, and Chromium then starts dragging whatever
    // card lies under the old mouse position.
    viewport: { width: 1800, height: 1000 }
  });
  const page = await context.newPage();
  clients.push({ context, page });
  await page.goto(`/w/${ws}/board`);
  await expectSynced(page, options.timeout);
  return page;
}

async function expectSynced(page: Page, timeout = 10_000): Promise<void> {
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-state', 'online', { timeout });
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout });
}

async function addTask(page: Page, title: string): Promise<void> {
  await page.getByTestId('new-task-title').fill(title);
  await page.getByTestId('new-task-submit').click();
  await expect(card(page, title)).toBeVisible();
}

function card(page: Page, title: string) {
  return page.getByTestId('task-card').filter({ hasText: title });
}

/** The cards cell of `column` (in lane `lane` when the board has swimlanes). */
function cell(page: Page, column: string, lane?: string) {
  const laneFilter = lane === undefined ? '' : `[data-lane-id="${lane}"]`;
  return page.locator(`[data-testid="cell"][data-column-id="${column}"]${laneFilter}`);
}

function titlesIn(page: Page, column: string, lane?: string) {
  return cell(page, column, lane).getByTestId('task-title');
}

function header(page: Page, column: string) {
  return page.locator(`[data-testid="column-header"][data-column-id="${column}"]`);
}

test('cards move by drag and drop between and within columns, and the order survives a reload', async ({
  browser
}) => {
  const page = await openBoard(browser, await newWorkspace('dnd', { member: null }));
  for (const title of ['Renew the wildcard certificate', 'Drain node-7', 'Patch OpenSSL']) {
    await addTask(page, title);
  }
  await expect(titlesIn(page, 'backlog')).toHaveText([
    'Renew the wildcard certificate',
    'Drain node-7',
    'Patch OpenSSL'
  ]);

  // Between columns: onto the empty "To do" column.
  await card(page, 'Renew the wildcard certificate').dragTo(cell(page, 'todo'));
  await expect(titlesIn(page, 'todo')).toHaveText(['Renew the wildcard certificate']);
  await expect(titlesIn(page, 'backlog')).toHaveText(['Drain node-7', 'Patch OpenSSL']);

  // Within a column: "Patch OpenSSL" onto the upper half of "Drain node-7" goes above it.
  await card(page, 'Patch OpenSSL').dragTo(card(page, 'Drain node-7'), {
    targetPosition: { x: 40, y: 4 }
  });
  await expect(titlesIn(page, 'backlog')).toHaveText(['Patch OpenSSL', 'Drain node-7']);

  // Into the lower half of a card in another column: just below it.
  const renew = card(page, 'Renew the wildcard certificate');
  const height = (await renew.boundingBox())?.height ?? 0;
  await card(page, 'Drain node-7').dragTo(renew, { targetPosition: { x: 40, y: height - 6 } });
  await expect(titlesIn(page, 'todo')).toHaveText([
    'Renew the wildcard certificate',
    'Drain node-7'
  ]);

  await page.reload();
  await expectSynced(page);
  await expect(titlesIn(page, 'backlog')).toHaveText(['Patch OpenSSL']);
  await expect(titlesIn(page, 'todo')).toHaveText([
    'Renew the wildcard certificate',
    'Drain node-7'
  ]);
  await expect(page.getByTestId('drop-indicator')).toHaveCount(0);
});

test('a card moves by keyboard alone and the other person sees it live', async ({ browser }) => {
  const { member } = e2eAccounts();
  const ws = await newWorkspace('keys');
  const owner = await openBoard(browser, ws);
  const other = await openBoard(browser, ws, { user: member });
  await addTask(owner, 'Rotate the database password');
  await addTask(owner, 'Archive old dashboards');
  await expect(card(other, 'Rotate the database password')).toBeVisible();

  // Tab from the filter box to the first card.
  await owner.getByTestId('board-filter').focus();
  const link = card(owner, 'Rotate the database password').locator('[data-card-link]');
  for (let i = 0; i < 40; i++) {
    if (await link.evaluate((element) => element === document.activeElement)) break;
    await owner.keyboard.press('Tab');
  }
  await expect(link).toBeFocused();

  await owner.keyboard.press('Space');
  await expect(owner.getByTestId('board-announcer')).toContainText(
    'Picked up “Rotate the database password”'
  );
  await owner.keyboard.press('ArrowRight');
  await expect(cell(owner, 'todo').getByTestId('drop-indicator')).toHaveCount(1);
  await expect(owner.getByTestId('board-announcer')).toHaveText('Column To do, position 1 of 1.');
  await owner.keyboard.press('Space');
  await expect(titlesIn(owner, 'todo')).toHaveText(['Rotate the database password']);
  await expect(titlesIn(other, 'todo')).toHaveText(['Rotate the database password']);
  await expect(titlesIn(other, 'backlog')).toHaveText(['Archive old dashboards']);
  // Focus follows the card, so the next move can start right away.
  await expect(
    card(owner, 'Rotate the database password').locator('[data-card-link]')
  ).toBeFocused();

  // Within the column: pick up, one down, drop.
  await addTask(other, 'Clean up DNS records');
  await card(other, 'Clean up DNS records').getByTestId('card-move-to').selectOption('todo');
  await expect(titlesIn(owner, 'todo')).toHaveText([
    'Rotate the database password',
    'Clean up DNS records'
  ]);
  await card(owner, 'Rotate the database password').locator('[data-card-link]').focus();
  await owner.keyboard.press('Space');
  await owner.keyboard.press('ArrowDown');
  await owner.keyboard.press('Enter');
  await expect(titlesIn(other, 'todo')).toHaveText([
    'Clean up DNS records',
    'Rotate the database password'
  ]);

  // Escape cancels: nothing moves.
  await owner.keyboard.press('Space');
  await owner.keyboard.press('ArrowLeft');
  await owner.keyboard.press('Escape');
  await expect(owner.getByTestId('drop-indicator')).toHaveCount(0);
  await expect(owner.getByTestId('board-announcer')).toContainText('Move cancelled');
  await expect(titlesIn(owner, 'todo')).toHaveText([
    'Clean up DNS records',
    'Rotate the database password'
  ]);
});

test('two people moving the same card to different columns at once leave exactly one card', async ({
  browser
}) => {
  const { member } = e2eAccounts();
  const ws = await newWorkspace('race');
  const a = await openBoard(browser, ws);
  const b = await openBoard(browser, ws, { user: member });
  await addTask(a, 'Fail over the primary');
  await expect(card(b, 'Fail over the primary')).toBeVisible();

  // Both move it while cut off from each other, so neither sees the other's move first.
  await a.context().setOffline(true);
  await b.context().setOffline(true);
  await card(a, 'Fail over the primary').dragTo(cell(a, 'in-progress'));
  await card(b, 'Fail over the primary').dragTo(cell(b, 'done'));
  await expect(titlesIn(a, 'in-progress')).toHaveText(['Fail over the primary']);
  await expect(titlesIn(b, 'done')).toHaveText(['Fail over the primary']);
  await a.context().setOffline(false);
  await b.context().setOffline(false);
  await expectSynced(a);
  await expectSynced(b);

  // One card, in one column, the same on both pages.
  const columnOf = async (page: Page) =>
    page
      .getByTestId('cell')
      .filter({ has: card(page, 'Fail over the primary') })
      .getAttribute('data-column-id');
  const bothIn = async () => {
    const [first, second] = [await columnOf(a), await columnOf(b)];
    return first === second ? first : `${first} vs ${second}`;
  };
  await expect.poll(bothIn, { timeout: 10_000 }).toMatch(/^(in-progress|done)$/);
  for (const page of [a, b]) {
    await expect(page.getByTestId('task-card')).toHaveCount(1);
    await expect(page.getByTestId('task-count')).toHaveText('1 task');
  }

  // And the same again while both are online, at the same moment.
  await Promise.all([
    card(a, 'Fail over the primary').dragTo(cell(a, 'todo')),
    card(b, 'Fail over the primary').dragTo(cell(b, 'review'))
  ]);
  await expect.poll(bothIn, { timeout: 10_000 }).toMatch(/^(todo|review)$/);
  for (const page of [a, b]) await expect(page.getByTestId('task-card')).toHaveCount(1);
});

test('columns are added, renamed, reordered, limited and deleted', async ({ browser }) => {
  const { member } = e2eAccounts();
  const ws = await newWorkspace('columns');
  const page = await openBoard(browser, ws);
  const other = await openBoard(browser, ws, { user: member });
  const names = () => page.getByTestId('column-name');

  await expect(names()).toHaveText(['Backlog', 'To do', 'In progress', 'Review', 'Done']);
  await page.getByTestId('add-column-open').click();
  await page.getByTestId('add-column-name').fill('Blocked');
  await page.getByTestId('add-column-category').selectOption('in_progress');
  await page.getByTestId('add-column-submit').click();
  await expect(names()).toHaveText([
    'Backlog',
    'To do',
    'In progress',
    'Review',
    'Done',
    'Blocked'
  ]);
  await expect(other.getByTestId('column-name')).toHaveText([
    'Backlog',
    'To do',
    'In progress',
    'Review',
    'Done',
    'Blocked'
  ]);

  // Rename "Review" in place.
  await header(page, 'review').getByTestId('column-settings').click();
  await header(page, 'review').getByTestId('column-name-input').fill('Peer review');
  await header(page, 'review').getByTestId('column-rename').click();
  await expect(names().nth(3)).toHaveText('Peer review');
  await expect(other.getByTestId('column-name').nth(3)).toHaveText('Peer review');

  // Move it left twice: it now comes before "To do".
  await header(page, 'review').getByTestId('column-move-left').click();
  await header(page, 'review').getByTestId('column-move-left').click();
  await expect(names()).toHaveText([
    'Backlog',
    'Peer review',
    'To do',
    'In progress',
    'Done',
    'Blocked'
  ]);
  await expect(other.getByTestId('column-name')).toHaveText([
    'Backlog',
    'Peer review',
    'To do',
    'In progress',
    'Done',
    'Blocked'
  ]);
  await header(page, 'review').getByTestId('column-panel-close').click();

  // WIP limit 1 on the backlog, which holds two cards: "2 / 1", flagged.
  await addTask(page, 'Upgrade Kubernetes');
  await addTask(page, 'Review firewall rules');
  const backlog = header(page, 'backlog');
  await backlog.getByTestId('column-settings').click();
  await backlog.getByTestId('column-wip-input').fill('1');
  await backlog.getByTestId('column-wip-set').click();
  await expect(backlog.getByTestId('column-count')).toContainText('2 / 1');
  await expect(backlog.getByTestId('column-count')).toHaveAttribute('data-over', 'true');
  await expect(header(other, 'backlog').getByTestId('column-count')).toContainText('2 / 1');
  await backlog.getByTestId('column-wip-input').fill('3');
  await backlog.getByTestId('column-wip-set').click();
  await expect(backlog.getByTestId('column-count')).toHaveAttribute('data-over', 'false');
  await backlog.getByTestId('column-wip-clear').click();
  await expect(backlog.getByTestId('column-count')).not.toContainText('/');

  // A column with cards is not deleted; an empty one is.
  await backlog.getByTestId('column-delete').click();
  await backlog.getByTestId('column-delete-confirm').click();
  await expect(backlog.getByTestId('column-error')).toContainText('still holds 2 cards');
  await expect(names()).toHaveCount(6);
  const blocked = page.getByTestId('column-header').filter({ hasText: 'Blocked' });
  await blocked.getByTestId('column-settings').click();
  await blocked.getByTestId('column-delete').click();
  await blocked.getByTestId('column-delete-confirm').click();
  await expect(names()).toHaveText(['Backlog', 'Peer review', 'To do', 'In progress', 'Done']);
  await expect(page.getByTestId('board-announcer')).toHaveText('Column “Blocked” deleted.');
  await expect(other.getByTestId('column-name')).toHaveCount(5);

  // Viewers get no column controls, and cannot pick cards up.
  const viewerWs = await newWorkspace('columns-viewer', { member: 'viewer' });
  const ownerApi = await apiAs(e2eAccounts().owner);
  try {
    const created = await ownerApi.post(`/api/v1/workspaces/${viewerWs}/tasks`, {
      data: { title: 'Look, do not touch' }
    });
    expect(created.status()).toBe(201);
  } finally {
    await ownerApi.dispose();
  }
  const viewer = await openBoard(browser, viewerWs, { user: member });
  await expect(viewer.getByTestId('column-name')).toHaveCount(5);
  await expect(viewer.getByTestId('column-settings')).toHaveCount(0);
  await expect(viewer.getByTestId('add-column-open')).toHaveCount(0);
  await expect(card(viewer, 'Look, do not touch')).toBeVisible();
  await expect(viewer.locator('[data-cell-card][draggable="true"]')).toHaveCount(0);
  await expect(viewer.getByTestId('card-move-to')).toHaveCount(0);
  await card(viewer, 'Look, do not touch').locator('[data-card-link]').focus();
  await viewer.keyboard.press('Space');
  await expect(viewer.getByTestId('drop-indicator')).toHaveCount(0);
});

test('swimlanes by assignee: dropping into a lane reassigns the card, and the choice is remembered', async ({
  browser
}) => {
  const { owner, member } = e2eAccounts();
  const ws = await newWorkspace('lanes');
  const api = await apiAs(owner);
  try {
    for (const [title, assignee] of [
      ['Owner task', owner.id],
      ['Member task', member.id],
      ['Nobody task', null]
    ] as const) {
      const response = await api.post(`/api/v1/workspaces/${ws}/tasks`, {
        data: { title, assignee }
      });
      expect(response.status()).toBe(201);
      if (title === 'Owner task') {
        const { id } = (await response.json()) as { id: string };
        const base = `/api/v1/workspaces/${ws}/tasks/${id}`;
        for (const text of ['Snapshot the volume', 'Resize the volume']) {
          const item = await api.post(`${base}/checklist`, { data: { text } });
          expect(item.status()).toBe(201);
        }
        const comment = await api.post(`${base}/comments`, { data: { body: 'On it.' } });
        expect(comment.status()).toBe(201);
      }
    }
  } finally {
    await api.dispose();
  }
  const page = await openBoard(browser, ws);
  const other = await openBoard(browser, ws, { user: member });
  await expect(page.getByTestId('task-card')).toHaveCount(3);
  // Checklist progress and comment count show on the card.
  await expect(card(page, 'Owner task').getByTestId('task-checklist')).toContainText('0/2');
  await expect(card(page, 'Owner task').getByTestId('task-comments')).toContainText('1');
  await expect(card(page, 'Member task').getByTestId('task-checklist')).toHaveCount(0);

  await page.getByTestId('board-swimlanes').selectOption('assignee');
  // Members by name, the unassigned lane last.
  await expect(page.getByTestId('lane-name')).toHaveText([member.name, owner.name, 'Unassigned']);
  const memberLane = `assignee:${member.id}`;
  await expect(titlesIn(page, 'backlog', memberLane)).toHaveText(['Member task']);
  await expect(titlesIn(page, 'backlog', 'assignee:')).toHaveText(['Nobody task']);

  // Drop the unassigned card into Max's lane, in "To do": moved and assigned at once.
  await card(page, 'Nobody task').dragTo(cell(page, 'todo', memberLane));
  await expect(titlesIn(page, 'todo', memberLane)).toHaveText(['Nobody task']);
  await expect(card(page, 'Nobody task')).toHaveAttribute('data-assignee', member.id);
  await expect(card(other, 'Nobody task')).toHaveAttribute('data-assignee', member.id);
  await expect(titlesIn(other, 'todo')).toHaveText(['Nobody task']);
  await expect(card(other, 'Nobody task').getByTestId('task-assignee')).toContainText(member.name);

  // "Only mine" on Max's page keeps his two cards.
  await other.getByTestId('board-filter-mine').click();
  await expect(other.getByTestId('task-card')).toHaveCount(2);
  await expect(other.getByTestId('board-filter-shown')).toContainText('Showing 2 of 3');

  // The swimlane choice is remembered for this workspace.
  await page.reload();
  await expectSynced(page);
  await expect(page.getByTestId('board-swimlanes')).toHaveValue('assignee');
  await expect(page.getByTestId('lane-name')).toHaveText([member.name, owner.name, 'Unassigned']);
  await page.getByTestId('board-swimlanes').selectOption('none');
  await expect(page.getByTestId('lane')).toHaveCount(0);
});

test('the board renders in Chinese: column names, controls and moves', async ({ browser }) => {
  const ws = await newWorkspace('board-zh', { member: null });
  const page = await openBoard(browser, ws, { locale: 'zh-CN' });
  await expect(page.getByTestId('column-name')).toHaveText([
    '待规划',
    '待办',
    '进行中',
    '待审核',
    '已完成'
  ]);
  await expect(page.getByLabel('泳道')).toBeVisible();
  await expect(page.getByTestId('board-swimlanes').locator('option')).toHaveText([
    '不分组',
    '按负责人',
    '按优先级'
  ]);
  await expect(page.getByTestId('board-filter-mine')).toHaveText('只看我的');
  await expect(page.getByTestId('add-column-open')).toHaveText('添加列');

  await header(page, 'todo').getByTestId('column-settings').click();
  await expect(header(page, 'todo').getByTestId('column-rename')).toHaveText('重命名');
  await expect(header(page, 'todo').getByLabel('WIP 上限')).toBeVisible();
  await expect(header(page, 'todo').getByTestId('column-move-left')).toContainText('左移');
  // Saving the translated default name unchanged keeps it translatable.
  await header(page, 'todo').getByTestId('column-rename').click();
  await page.getByTestId('lang-en').click();
  await expect(page.getByTestId('column-name').nth(1)).toHaveText('To do');
  await page.getByTestId('lang-zh-CN').click();

  await addTask(page, '排查磁盘告警');
  await page.getByTestId('board-swimlanes').selectOption('priority');
  await expect(page.getByTestId('lane-name')).toHaveText(['紧急', '高', '中', '低', '无优先级']);
  await card(page, '排查磁盘告警').locator('[data-card-link]').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('board-announcer')).toContainText('已拿起“排查磁盘告警”');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('board-announcer')).toHaveText(
    '已将“排查磁盘告警”放到“待办”列第 1 位。'
  );
  await expect(titlesIn(page, 'todo', 'priority:none')).toHaveText(['排查磁盘告警']);

  // Up past the top of its lane: into the lane above, which sets the priority.
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('board-announcer')).toHaveText(
    '“低”泳道，“待办”列第 1 位，共 1 位。'
  );
  await page.keyboard.press('Space');
  await expect(titlesIn(page, 'todo', 'priority:low')).toHaveText(['排查磁盘告警']);
  await expect(card(page, '排查磁盘告警')).toHaveAttribute('data-priority', 'low');
});

test('a board of 5,000 open cards opens with a page of cards per column and grows on scroll', async ({
  browser
}) => {
  // Seeding 5,000 cards one createTask at a time and the first full sync of a 3.5 MB document
  // take a while on a busy machine; the assertions are about what is rendered, not how fast.
  test.setTimeout(240_000);
  const { owner, baseURL } = e2eAccounts();
  const ws = await newWorkspace('scale', { member: null });
  // Seed through a stock y-websocket client with an API token, as an integration would.
  const api = await apiAs(owner);
  let token: string;
  try {
    const created = await api.post('/api/v1/tokens', { data: { name: 'seed', workspaceId: ws } });
    expect(created.status()).toBe(201);
    ({ token } = (await created.json()) as { token: string });
  } finally {
    await api.dispose();
  }
  const client = connectClient(`${baseURL.replace(/^http/, 'ws')}/sync`, `${ws}.board`, {
    params: { token }
  });
  try {
    await whenSynced(client, 20_000);
    const spread = { backlog: 2000, todo: 1500, 'in-progress': 1000, review: 500 };
    for (const [status, count] of Object.entries(spread)) {
      for (let start = 0; start < count; start += 500) {
        client.doc.transact(() => {
          if (listColumns(client.doc).length === 0) initBoard(client.doc);
          for (let i = start; i < Math.min(count, start + 500); i++) {
            createTask(client.doc, { title: `${status} card ${i + 1}`, status });
          }
        });
      }
    }
    const page = await openBoard(browser, ws, { timeout: 60_000 });
    await expect(page.getByTestId('task-count')).toHaveText('5000 tasks', { timeout: 60_000 });

    const started = Date.now();
    await page.reload();
    await expect(page.getByTestId('task-card').first()).toBeVisible({ timeout: 60_000 });
    console.log(`5,000 cards: first card visible ${Date.now() - started} ms after reload`);

    // A board this big starts from its stored preview; then the live document takes over.
    await expect(page.getByTestId('board-previewing')).toHaveCount(0, { timeout: 60_000 });

    // One page of cards per column is rendered, not the whole board.
    const rendered = () => cell(page, 'backlog').locator('[data-cell-card]').count();
    await expect.poll(rendered).toBe(40);
    await expect.poll(() => page.locator('[data-cell-card]').count()).toBe(160);
    await expect(titlesIn(page, 'backlog').first()).toHaveText('backlog card 1');

    // Scrolling to the end of the rendered cards renders the next page.
    await cell(page, 'backlog').locator('[data-cell-card]').last().scrollIntoViewIfNeeded();
    await expect.poll(rendered).toBeGreaterThanOrEqual(80);

    // Moves still work on the big board.
    await page.getByTestId('board-filter').fill('review card 500');
    await expect(page.getByTestId('task-card')).toHaveCount(1);
    await card(page, 'review card 500').dragTo(cell(page, 'done'));
    await expect(titlesIn(page, 'done')).toHaveText(['review card 500']);
  } finally {
    client.destroy();
  }
});
