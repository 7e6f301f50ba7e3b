/**
 * The task archive in real Chromium against the production build: a task finished 30 days ago
 * (written through a stock y-websocket client with an API token, as an integration would)
 * leaves the board when the board is next loaded; its deep link shows it read-only with the
 * archive banner, the list view's Archive tab finds it, and "Un-archive" brings it back to the
 * board as a live card with its key. Offline, the page shows the copy the device kept.
 */
import { expect, test } from '@playwright/test';
import {
  createTask,
  getTask,
  initBoard,
  listColumns
} from '../../src/lib/shared/board/board-model';
import { connectClient, waitFor, whenSynced } from '../helpers/clients';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';
import { waitForServiceWorker } from './service-worker';

const DAY = 24 * 60 * 60 * 1000;

test('a deep link shows an archived task; un-archiving brings it back to the board', async ({
  browser
}) => {
  test.setTimeout(90_000);
  const { owner, baseURL } = e2eAccounts();
  const ws = await newWorkspace('arch', { member: null });
  const api = await apiAs(owner);
  try {
    const created = await api.post('/api/v1/tokens', { data: { name: 'seed', workspaceId: ws } });
    expect(created.status()).toBe(201);
    const { token } = (await created.json()) as { token: string };

    // A task finished a month ago, written by a client (clients write the card's fields).
    const client = connectClient(`${baseURL.replace(/^http/, 'ws')}/sync`, `${ws}.board`, {
      params: { token }
    });
    let key: string;
    try {
      await whenSynced(client, 20_000);
      await waitFor(() => listColumns(client.doc).length > 0, 10_000, 'columns');
      const long = new Date(Date.now() - 30 * DAY);
      const task = client.doc.transact(() => {
        if (listColumns(client.doc).length === 0) initBoard(client.doc);
        return createTask(
          client.doc,
          { title: 'Certificate expired on the edge proxy', status: 'done', kind: 'incident' },
          { now: long }
        );
      });
      await waitFor(() => getTask(client.doc, task.id)?.key != null, 10_000, 'the key');
      key = getTask(client.doc, task.id)!.key!;
    } finally {
      client.destroy();
    }

    // The board unloads once idle; its next load (here by listing the tasks: one card alone is
    // answered from the card records without loading the board) moves the finished task to
    // the archive.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await expect
      .poll(
        async () => {
          expect((await api.get(`/api/v1/workspaces/${ws}/tasks?limit=1`)).status()).toBe(200);
          const reply = await api.get(`/api/v1/workspaces/${ws}/tasks/${key}`);
          return ((await reply.json()) as { archived?: boolean }).archived ?? false;
        },
        { timeout: 20_000, intervals: [3_000] }
      )
      .toBe(true);

    const context = await browser.newContext({ ...signedIn(owner), locale: 'en-US' });
    try {
      const page = await context.newPage();
      await page.goto(`/w/${ws}/board`);
      await waitForServiceWorker(page);
      await page.goto(`/w/${ws}/tasks/${key}`);
      await expect(page.getByTestId('archived-banner')).toContainText('Archived on');
      await expect(page.getByTestId('archived-title')).toHaveText(
        'Certificate expired on the edge proxy'
      );
      await expect(page.getByTestId('archived-key')).toHaveText(key);
      await expect(page.getByTestId('archived-offline')).toHaveCount(0);

      // Offline, the device's copy of what it showed: read-only, without Un-archive.
      await context.setOffline(true);
      await page.reload();
      await expect(page.getByTestId('archived-offline')).toBeVisible({ timeout: 10_000 });
      await expect(page.getByTestId('archived-title')).toHaveText(
        'Certificate expired on the edge proxy'
      );
      await expect(page.getByTestId('archived-unarchive')).toHaveCount(0);
      await context.setOffline(false);

      // The list view's Archive tab finds it by a word of its title.
      await page.goto(`/w/${ws}/list?in=archive`);
      await expect(page.getByTestId('archive-count')).toHaveText('1 archived task');
      await page.getByTestId('archive-search').fill('certif');
      await expect(page.getByTestId('archive-row')).toHaveCount(1);
      await page.getByTestId('archive-search').fill('nothing like it');
      await expect(page.getByTestId('archive-empty')).toBeVisible();
      await page.getByTestId('archive-search').fill('');
      await page.getByTestId('archive-row').getByRole('link').click();
      await expect(page).toHaveURL(new RegExp(`/w/${ws}/tasks/${key}$`));

      // Un-archive: the live card arrives and the page shows it.
      await page.getByTestId('archived-unarchive').click();
      await expect(page.getByTestId('task-detail')).toBeVisible({ timeout: 10_000 });
      await expect(page.getByTestId('detail-key')).toHaveText(key);
      await page.goto(`/w/${ws}/board`);
      await expect(
        page.getByTestId('task-card').filter({ hasText: 'Certificate expired on the edge proxy' })
      ).toBeVisible({ timeout: 10_000 });
    } finally {
      await context.close();
    }
  } finally {
    await api.dispose();
  }
});
