/**
 * Similar work while creating (docs/ai.md): typing a title in the board's new-task form lists
 * similar open and past work from the other language, and warns of a possible duplicate above
 * the calibrated threshold, in English and in Chinese; an unrelated title gets no warning.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

async function workspaceWith(prefix: string, titles: string[]): Promise<string> {
  const ws = await newWorkspace(prefix, { member: null });
  const api = await apiAs(e2eAccounts().owner);
  try {
    for (const title of titles) {
      const response = await api.post(`/api/v1/workspaces/${ws}/tasks`, { data: { title } });
      expect(response.status()).toBe(201);
    }
  } finally {
    await api.dispose();
  }
  return ws;
}

async function openBoard(browser: Browser, ws: string, locale: string): Promise<Page> {
  const context = await browser.newContext({ ...signedIn(), locale });
  const page = await context.newPage();
  await page.goto(`/w/${ws}/board`);
  await expect(page.getByTestId('sync-badge')).toHaveAttribute('data-synced', 'true', {
    timeout: 10_000
  });
  return page;
}

test('an English title finds the Chinese task and warns of a possible duplicate', async ({
  browser
}) => {
  const ws = await workspaceWith('aisimen', [
    'db-01 磁盘空间不足',
    'Renew the TLS certificate of api.example.com'
  ]);
  const page = await openBoard(browser, ws, 'en-US');
  await page.getByTestId('new-task-title').fill('disk space low on db-01');
  const similar = page.getByTestId('similar-create');
  // The index follows the new tasks a moment after they were written.
  await expect(async () => {
    await page.getByTestId('new-task-title').fill('');
    await page.getByTestId('new-task-title').fill('disk space low on db-01');
    await expect(similar.getByTestId('similar-item').first()).toContainText('磁盘空间不足', {
      timeout: 2_000
    });
  }).toPass({ timeout: 20_000 });
  await expect(similar).toContainText('Similar open and past work');
  const warning = page.getByTestId('similar-duplicate');
  await expect(warning).toContainText('Possible duplicate: db-01 磁盘空间不足');
  await expect(warning.getByRole('link')).toHaveAttribute('href', new RegExp(`^/w/${ws}/tasks/`));

  // Something unrelated: no warning.
  await page.getByTestId('new-task-title').fill('Order new office chairs');
  await expect(similar.getByTestId('similar-none')).toBeVisible();
  await expect(page.getByTestId('similar-duplicate')).toHaveCount(0);
  await page.context().close();
});

test('a Chinese title finds the English task, with the warning in Chinese', async ({ browser }) => {
  const ws = await workspaceWith('aisimzh', [
    'MySQL replication lag above 300 seconds on db-02',
    'Order new office chairs'
  ]);
  const page = await openBoard(browser, ws, 'zh-CN');
  const similar = page.getByTestId('similar-create');
  await expect(async () => {
    await page.getByTestId('new-task-title').fill('');
    await page.getByTestId('new-task-title').fill('db-02 MySQL 主从延迟');
    await expect(similar.getByTestId('similar-item').first()).toContainText('replication lag', {
      timeout: 2_000
    });
  }).toPass({ timeout: 20_000 });
  await expect(similar).toContainText('相似的进行中与历史工作');
  await expect(page.getByTestId('similar-duplicate')).toContainText(
    '可能重复：MySQL replication lag above 300 seconds on db-02'
  );
  await expect(similar.getByTestId('similar-item').first()).toContainText('进行中');
  await page.context().close();
});
