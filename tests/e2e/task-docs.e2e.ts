/**
 * Task documents (`<ws>.task.<id>`) in real Chromium against the production build: the task
 * page edits the description and comments in the task's own document, which survive a reload
 * and show on the board's card (the server's summary); offline, a task page opened before
 * shows its content from the offline copy; and the board keeps offline copies of the tasks
 * assigned to the user (the prefetch) without the task being opened.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { Task } from '../../src/lib/shared/board/schema';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';
import { expectPageCached, waitForServiceWorker } from './service-worker';

const contexts: BrowserContext[] = [];

test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    ...signedIn(e2eAccounts().owner),
    locale: 'en-US',
    timezoneId: 'UTC'
  });
  contexts.push(context);
  return { context, page: await context.newPage() };
}

async function expectSynced(page: Page): Promise<void> {
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout: 10_000 });
}

async function createTask(ws: string, body: Record<string, unknown>): Promise<Task> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const reply = await api.post(`/api/v1/workspaces/${ws}/tasks`, { data: body });
    expect(reply.status(), await reply.text()).toBe(201);
    return (await reply.json()) as Task;
  } finally {
    await api.dispose();
  }
}

async function editDescription(page: Page, text: string): Promise<void> {
  await page.getByTestId('detail-description-edit').click();
  await page.getByTestId('detail-description-input').fill(text);
  await page.getByTestId('detail-description-done').click();
}

async function addComment(page: Page, text: string): Promise<void> {
  await page.getByTestId('comment-input').fill(text);
  await page.getByTestId('comment-input').press('Control+Enter');
  await expect(page.getByTestId('comment-input')).toHaveValue('');
}

test.describe('task documents', () => {
  test('description and comments are kept in the task document across a reload, and offline', async ({
    browser
  }) => {
    const ws = await newWorkspace('task-docs', { member: null });
    const task = await createTask(ws, { title: 'Replace the core switch', description: 'Plan' });
    const { context, page } = await newPage(browser);
    await page.goto(`/w/${ws}/tasks/${task.key}`);
    await expectSynced(page);
    await expect(page.getByTestId('detail-description')).toContainText('Plan');

    await editDescription(page, 'Plan: swap **both** PSUs first.');
    await addComment(page, 'Ordered the spare switch.');
    await expect(page.getByTestId('comment')).toHaveCount(1);

    await page.reload();
    await expectSynced(page);
    await expect(page.getByTestId('detail-description').locator('strong')).toHaveText('both');
    await expect(page.getByTestId('comment-body')).toHaveText('Ordered the spare switch.');

    // The card shows the server's summary of the task document.
    await page.getByTestId('detail-back').click();
    const card = page.locator(`[data-testid="task-card"][data-task-id="${task.id}"]`);
    await expect(card).toContainText('1');

    // Offline: the task page opened before shows its content from the offline copy.
    await waitForServiceWorker(page);
    await page.goto(`/w/${ws}/tasks/${task.key}`);
    await expectSynced(page);
    await expectPageCached(page, `/w/${ws}/tasks/${task.key}`);
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByTestId('task-detail')).toBeVisible();
    await expect(page.getByTestId('detail-description').locator('strong')).toHaveText('both', {
      timeout: 10_000
    });
    await expect(page.getByTestId('comment-body')).toHaveText('Ordered the spare switch.');
    await context.setOffline(false);
  });

  test('a task page opened directly arrives with its content, read-only until it is live', async ({
    browser
  }) => {
    const ws = await newWorkspace('task-first', { member: null });
    const task = await createTask(ws, {
      title: 'Rotate the TLS certificates',
      description: 'Start with **db-1**, then the load balancer.'
    });
    const api = await apiAs(e2eAccounts().owner);
    try {
      const reply = await api.post(`/api/v1/workspaces/${ws}/tasks/${task.id}/comments`, {
        data: { body: 'Certificates are in the vault 证书在保险库' }
      });
      expect(reply.status(), await reply.text()).toBe(201);
    } finally {
      await api.dispose();
    }

    // Without scripts: the server's page itself holds the task and its content, nothing to edit.
    const context = await browser.newContext({
      ...signedIn(e2eAccounts().owner),
      locale: 'en-US',
      javaScriptEnabled: false
    });
    contexts.push(context);
    const still = await context.newPage();
    await still.goto(`/w/${ws}/tasks/${task.key?.toLowerCase()}`);
    const detail = still.getByTestId('task-detail');
    await expect(detail).toHaveAttribute('data-content-live', 'false');
    await expect(still.getByTestId('detail-description').locator('strong')).toHaveText('db-1');
    await expect(still.getByTestId('comment-body')).toHaveText(
      'Certificates are in the vault 证书在保险库'
    );
    await expect(still.getByTestId('detail-content-pending')).toBeVisible();
    await expect(still.getByTestId('detail-description-edit')).toHaveCount(0);
    await expect(still.getByTestId('comment-input')).toHaveCount(0);

    // With scripts: the same content, then editable once the task's document is in.
    const { page } = await newPage(browser);
    await page.goto(`/w/${ws}/tasks/${task.key}`);
    await expect(page.getByTestId('task-detail')).toHaveAttribute('data-content-live', 'true', {
      timeout: 10_000
    });
    await expect(page.getByTestId('detail-content-pending')).toHaveCount(0);
    await expect(page.getByTestId('detail-description').locator('strong')).toHaveText('db-1');
    await expect(page.getByTestId('comment')).toHaveCount(1);
    await editDescription(page, 'Start with **db-2**.');
    await expect(page.getByTestId('detail-description').locator('strong')).toHaveText('db-2');
    // Navigating inside the app to the task again shows it live, not the first view of before.
    await page.getByTestId('detail-back').click();
    await page.locator(`[data-testid="task-card"][data-task-id="${task.id}"]`).click();
    await expect(page.getByTestId('task-detail')).toHaveAttribute('data-content-live', 'true');
    await expect(page.getByTestId('detail-content-pending')).toHaveCount(0);
    await expect(page.getByTestId('detail-description').locator('strong')).toHaveText('db-2');
  });

  test('the board keeps offline copies of the tasks assigned to the user', async ({ browser }) => {
    const ws = await newWorkspace('task-prefetch', { member: null });
    const me = e2eAccounts().owner.id;
    const mine = await createTask(ws, { title: 'Mine', assignee: me, description: 'Mine' });
    const other = await createTask(ws, { title: 'Not mine', description: 'Other' });
    const { page } = await newPage(browser);
    await page.goto(`/w/${ws}/board`);
    await expectSynced(page);
    const stored = () =>
      page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ''));
    await expect
      .poll(async () => (await stored()).includes(`${ws}.task.${mine.id}`), { timeout: 15_000 })
      .toBe(true);
    expect(await stored()).not.toContain(`${ws}.task.${other.id}`);
  });
});
