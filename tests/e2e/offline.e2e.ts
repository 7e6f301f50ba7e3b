/**
 * Offline use in real Chromium against the production build: the service worker serves the app
 * shell and the pages opened before, the board comes from IndexedDB, and edits made offline
 * survive a reload (with their pending count) and converge with the other user's edits once the
 * network is back. Two browser contexts (owner and member) share nothing but the server.
 */
import {
  expect,
  request,
  test,
  type Browser,
  type BrowserContext,
  type Page
} from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn, type E2eUser } from './fixtures';
import { expectPageCached, waitForServiceWorker } from './service-worker';

interface Client {
  context: BrowserContext;
  page: Page;
}

async function openBoard(browser: Browser, ws: string, user: E2eUser): Promise<Client> {
  const context = await browser.newContext({ ...signedIn(user), locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`/w/${ws}/board`);
  await expectSynced(page);
  return { context, page };
}

async function expectSynced(page: Page): Promise<void> {
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout: 10_000 });
}

async function addTask(page: Page, title: string, priority?: string): Promise<void> {
  await page.getByTestId('new-task-title').fill(title);
  if (priority) await page.getByTestId('new-task-priority').selectOption(priority);
  await page.getByTestId('new-task-submit').click();
  await expect(card(page, title)).toBeVisible();
}

function card(page: Page, title: string) {
  return page.getByTestId('task-card').filter({ hasText: title });
}

test.describe('offline', () => {
  let clients: Client[] = [];

  test.afterEach(async () => {
    await Promise.all(clients.map((client) => client.context.close()));
    clients = [];
  });

  test('edits made offline survive a reload with their count and converge when back online', async ({
    browser
  }) => {
    // Two users, a reload and two reconnects on a shared, busy machine.
    test.setTimeout(60_000);
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('offline-reload');
    const a = await openBoard(browser, ws, owner);
    clients.push(a);
    await waitForServiceWorker(a.page);
    await expectPageCached(a.page, `/w/${ws}/board`);
    await addTask(a.page, 'Check the backup job');
    const b = await openBoard(browser, ws, member);
    clients.push(b);
    await expect(card(b.page, 'Check the backup job')).toBeVisible();
    const sharedId = await card(b.page, 'Check the backup job').getAttribute('data-task-id');

    await a.context.setOffline(true);
    await expect(a.page.getByTestId('sync-badge')).toHaveAttribute('data-state', 'offline');
    await expect(a.page.getByTestId('sync-offline')).toBeVisible();
    await addTask(a.page, 'Swap the failed disk in rack 4', 'high');
    await addTask(a.page, 'Write up the outage timeline');
    await expect(a.page.getByTestId('sync-pending')).toHaveText('2 changes waiting');

    // Meanwhile the member works online: a new task, and a change to the shared one.
    await addTask(b.page, 'Rotate the on-call schedule');
    const memberApi = await apiAs(member);
    try {
      const patched = await memberApi.patch(`/api/v1/workspaces/${ws}/tasks/${sharedId}`, {
        data: { priority: 'urgent' }
      });
      expect(patched.status()).toBe(200);
    } finally {
      await memberApi.dispose();
    }
    await expect(card(b.page, 'Check the backup job')).toHaveAttribute('data-priority', 'urgent');

    // Reload with no network: the worker serves the page, IndexedDB the board, localStorage
    // the count of what still waits for the server.
    await a.page.reload();
    await expect(a.page.getByTestId('board-page')).toBeVisible();
    await expect(a.page.getByTestId('sync-badge')).toHaveAttribute('data-state', 'offline');
    await expect(a.page.getByTestId('sync-offline')).toBeVisible();
    await expect(card(a.page, 'Swap the failed disk in rack 4')).toHaveAttribute(
      'data-priority',
      'high'
    );
    await expect(card(a.page, 'Write up the outage timeline')).toBeVisible();
    await expect(card(a.page, 'Check the backup job')).toHaveAttribute('data-priority', 'none');
    await expect(a.page.getByTestId('sync-pending')).toHaveText('2 changes waiting');
    await expect(a.page.getByTestId('task-card')).toHaveCount(3);
    // Still usable: a move of an existing card and a new task after the reload add to the count.
    await card(a.page, 'Check the backup job')
      .getByTestId('card-move-to')
      .selectOption('in-progress');
    await expect(a.page.getByTestId('sync-pending')).toHaveText('3 changes waiting');
    await addTask(a.page, 'Order spare power supplies');
    await expect(a.page.getByTestId('sync-pending')).toHaveText('4 changes waiting');

    await a.context.setOffline(false);
    await expectSynced(a.page);
    await expect(a.page.getByTestId('sync-pending')).toHaveCount(0);
    await expect(a.page.getByTestId('sync-offline')).toHaveCount(0);
    expect(
      await a.page.evaluate((key) => localStorage.getItem(key), `runboard:pending:${ws}.board`)
    ).toBeNull();

    // Both converge: A sees what B did meanwhile, B sees A's offline tasks.
    for (const { page } of [a, b]) {
      await expect(card(page, 'Rotate the on-call schedule')).toBeVisible();
      // B's priority change and A's offline move touch different fields: both survive.
      await expect(card(page, 'Check the backup job')).toHaveAttribute('data-priority', 'urgent');
      await expect(
        page
          .locator('[data-testid="cell"][data-column-id="in-progress"]')
          .getByTestId('task-card')
          .filter({ hasText: 'Check the backup job' })
      ).toHaveCount(1);
      await expect(card(page, 'Swap the failed disk in rack 4')).toHaveAttribute(
        'data-priority',
        'high'
      );
      await expect(card(page, 'Write up the outage timeline')).toBeVisible();
      await expect(card(page, 'Order spare power supplies')).toBeVisible();
      await expect(page.getByTestId('task-card')).toHaveCount(5);
    }
  });

  test('offline, pages opened before open from the cache; others get the offline page', async ({
    browser
  }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('offline-pages', { member: null });
    const a = await openBoard(browser, ws, owner);
    clients.push(a);
    const { page, context } = a;
    await waitForServiceWorker(page);
    await addTask(page, 'Patch the VPN concentrator');
    // A page outside the workspace, opened by a full load: kept by the worker as it passes.
    await page.goto('/account');
    await expect(page.getByTestId('account-page')).toBeVisible();
    await expect(page.getByTestId('offline-banner')).toHaveCount(0);
    await page.goto(`/w/${ws}/board`);

    // Reached by client-side navigation: the app asks the worker to keep the page too.
    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('settings-page')).toBeVisible();
    await expectPageCached(page, `/w/${ws}/settings`);
    await page.getByTestId('nav-board').click();
    await expect(card(page, 'Patch the VPN concentrator')).toBeVisible();

    await context.setOffline(true);
    await expect(page.getByTestId('sync-badge')).toHaveAttribute('data-state', 'offline');

    // A link opens as a full load, answered by the worker.
    await page.getByTestId('nav-settings').click();
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/settings$`));
    await expect(page.getByTestId('settings-page')).toBeVisible();
    await expect(page.getByTestId('error-page')).toHaveCount(0);

    await page.goto(`/w/${ws}/board`);
    await expect(card(page, 'Patch the VPN concentrator')).toBeVisible();
    await expect(page.getByTestId('sync-offline')).toBeVisible();

    // A page of the workspace never opened here: its board instead, under the board's address.
    await page.goto(`/w/${ws}/tasks/OPS-1`);
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/board$`));
    await expect(card(page, 'Patch the VPN concentrator')).toBeVisible();

    // The start URL of the installed app opens the workspace used last.
    await page.goto('/');
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/board$`));
    await expect(card(page, 'Patch the VPN concentrator')).toBeVisible();

    // Pages without a connection badge say that they are offline in a banner.
    await page.goto('/account');
    await expect(page.getByTestId('account-page')).toBeVisible();
    await expect(page.getByTestId('offline-banner')).toContainText('You are offline');

    // A page never opened on this device: the offline page, in the browser's language.
    await page.goto(`/w/not-opened-${ws}/board`);
    await expect(page.getByTestId('offline-page')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '当前处于离线状态' })).toBeHidden();

    // Never from the cache: sign-in and the API fail like any request without a network.
    await expect(page.evaluate(() => fetch('/api/v1/auth/me'))).rejects.toThrow();

    await context.setOffline(false);
    await page.goto(`/w/${ws}/board`);
    await expectSynced(page);
    await expect(page.getByTestId('offline-page')).toHaveCount(0);
  });

  test('a page loads only the language it shows; offline, the other one comes from the cache', async ({
    browser
  }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('offline-language', { member: null });
    const context = await browser.newContext({ ...signedIn(owner), locale: 'en-US' });
    const page = await context.newPage();
    clients.push({ context, page });
    // The text of every script the page runs, from the network or from the worker.
    const scripts: Promise<string>[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.push(response.text());
    });
    const loaded = async (text: string) =>
      (await Promise.all(scripts)).some((script) => script.includes(text));
    await page.goto(`/w/${ws}/board`);
    await expectSynced(page);
    await expect(page.getByTestId('new-task-submit')).toHaveText('Add task');
    // Phrases found only in the English and the Chinese messages.
    expect(await loaded('Skip to content')).toBe(true);
    expect(await loaded('跳到主要内容')).toBe(false);

    await waitForServiceWorker(page);
    await context.setOffline(true);
    await expect(page.getByTestId('sync-badge')).toHaveAttribute('data-state', 'offline');
    await page.getByTestId('lang-zh-CN').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('看板');
    await expect(page.getByTestId('new-task-submit')).toHaveText('添加任务');
    await expect.poll(() => loaded('跳到主要内容')).toBe(true);
    // And back: English is loaded already.
    await page.getByTestId('lang-en').click();
    await expect(page.getByTestId('new-task-submit')).toHaveText('Add task');
  });

  test('offline, back and forward reach pages loaded in full and by links', async ({ browser }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('offline-history', { member: null });
    const a = await openBoard(browser, ws, owner);
    clients.push(a);
    const { page, context } = a;
    await waitForServiceWorker(page);
    await addTask(page, 'Renew the on-call pager licences');
    // The account page by a full load, then the board by an in-app link (its data only).
    await page.goto('/account');
    await expect(page.getByTestId('account-page')).toBeVisible();
    await page.getByTestId('workspace-switcher-button').click();
    await page
      .locator(`[data-testid="workspace-switcher-item"][data-workspace-id="${ws}"]`)
      .click();
    await expect(card(page, 'Renew the on-call pager licences')).toBeVisible();

    await context.setOffline(true);
    await expect(page.getByTestId('sync-badge')).toHaveAttribute('data-state', 'offline');
    // Back: the account page's data was never fetched on its own; the kept page is shown.
    await page.goBack();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId('account-page')).toBeVisible();
    await expect(page.getByTestId('error-page')).toHaveCount(0);
    await page.goForward();
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/board$`));
    await expect(card(page, 'Renew the on-call pager licences')).toBeVisible();
    await expect(page.getByTestId('error-page')).toHaveCount(0);
  });

  test('signing out empties the page cache', async ({ browser }) => {
    // Its own session: signing out must not end the shared one of the other tests.
    const { baseURL, owner } = e2eAccounts();
    const api = await request.newContext({ baseURL });
    const login = await api.post('/api/v1/auth/login', {
      data: { email: owner.email, password: owner.password }
    });
    expect(login.status()).toBe(200);
    const context = await browser.newContext({ storageState: await api.storageState() });
    await api.dispose();
    try {
      const page = await context.newPage();
      await page.goto(`/w/${e2eAccounts().workspaceId}/board`);
      await waitForServiceWorker(page);
      await expectPageCached(page, `/w/${e2eAccounts().workspaceId}/board`);

      await page.getByTestId('user-menu').locator('summary').click();
      await page.getByTestId('sign-out').click();
      await expect(page).toHaveURL(/\/login\?signedOut=1$/);
      await expect
        .poll(() =>
          page.evaluate(async () => {
            const kept: string[] = [];
            for (const name of await caches.keys()) {
              if (!name.startsWith('pages-')) continue;
              for (const entry of await (await caches.open(name)).keys()) kept.push(entry.url);
            }
            return kept;
          })
        )
        .toEqual([]);
      // The shell stays: the sign-in page still loads its code offline.
      expect(await page.evaluate(() => caches.keys())).toEqual(
        expect.arrayContaining([expect.stringMatching(/^shell-/)])
      );
    } finally {
      await context.close();
    }
  });
});
