/**
 * [GEN7] A board rebased on the server while a page has it open (docs/ARCHITECTURE.md, "Rebasing
 * a document"), in real Chromium against the production build: the page is closed with
 * DocumentReset, drops its copy, reloads and shows the board; a task created offline before the
 * rebase is refused with the old copy, saved, and re-applied to the fresh board after the reload.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

interface Client {
  context: BrowserContext;
  page: Page;
}

async function openBoard(browser: Browser, ws: string): Promise<Client> {
  const context = await browser.newContext({ ...signedIn(), locale: 'en-US' });
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

async function addTask(page: Page, title: string): Promise<void> {
  await page.getByTestId('new-task-title').fill(title);
  await page.getByTestId('new-task-submit').click();
  await expect(card(page, title)).toBeVisible();
}

function card(page: Page, title: string) {
  return page.getByTestId('task-card').filter({ hasText: title });
}

/** Compacts the board through the REST API as the owner. */
async function compact(ws: string): Promise<void> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const response = await api.post(`/api/v1/workspaces/${ws}/board/compact`);
    expect(response.status(), await response.text()).toBe(200);
  } finally {
    await api.dispose();
  }
}

/** Titles of the tasks the server has. */
async function serverTitles(ws: string): Promise<string[]> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const response = await api.get(`/api/v1/workspaces/${ws}/tasks`);
    const body = (await response.json()) as { data?: { title: string }[] } | { title: string }[];
    const list = Array.isArray(body) ? body : (body.data ?? []);
    return list.map((task) => task.title);
  } finally {
    await api.dispose();
  }
}

test.describe('board rebase', () => {
  let clients: Client[] = [];

  test.afterEach(async () => {
    await Promise.all(clients.map((client) => client.context.close()));
    clients = [];
  });

  test('[GEN7] a page open during the rebase reloads and shows the board', async ({ browser }) => {
    test.setTimeout(60_000);
    const ws = await newWorkspace('rebase-open');
    const a = await openBoard(browser, ws);
    clients.push(a);
    await addTask(a.page, 'Rotate the TLS certificates');
    const reloaded = a.page.waitForEvent('load', { timeout: 20_000 });
    await compact(ws);
    await reloaded;
    await expectSynced(a.page);
    await expect(card(a.page, 'Rotate the TLS certificates')).toBeVisible();
    // Still live after the reload: a new task reaches the server.
    await addTask(a.page, 'After the rebase');
    await expect.poll(() => serverTitles(ws), { timeout: 10_000 }).toContain('After the rebase');
  });

  test('[GEN7] a task created offline before the rebase is re-applied after the reload', async ({
    browser
  }) => {
    test.setTimeout(60_000);
    const ws = await newWorkspace('rebase-offline');
    const a = await openBoard(browser, ws);
    clients.push(a);
    await addTask(a.page, 'Known to the server');
    await a.context.setOffline(true);
    await expect(a.page.getByTestId('sync-badge')).toHaveAttribute('data-state', 'offline');
    await addTask(a.page, 'Made offline before the rebase');

    await compact(ws);
    expect(await serverTitles(ws)).not.toContain('Made offline before the rebase');

    // Back online with the old copy: refused, saved, reloaded, re-applied.
    const reloaded = a.page.waitForEvent('load', { timeout: 20_000 });
    await a.context.setOffline(false);
    await reloaded;
    await expectSynced(a.page);
    await expect(card(a.page, 'Made offline before the rebase')).toBeVisible({ timeout: 10_000 });
    await expect(card(a.page, 'Known to the server')).toBeVisible();
    await expect
      .poll(() => serverTitles(ws), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(['Known to the server', 'Made offline before the rebase']));
    expect(
      (await serverTitles(ws)).filter((t) => t === 'Made offline before the rebase')
    ).toHaveLength(1);
  });
});
