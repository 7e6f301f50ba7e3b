/**
 * Documentation screenshots, taken only when asked: `RUNBOARD_SCREENSHOTS=1 npx playwright
 * test screenshots`. The board is seeded through the stock y-websocket provider in Node, the
 * way any other client writes to it (with an API token of the e2e owner); the pages are opened
 * with the owner's saved session (fixtures.ts).
 */
import { expect, test } from '@playwright/test';
import {
  createTask,
  initBoard,
  listColumns,
  upsertLabel
} from '../../src/lib/shared/board/board-model';
import { connectClient, waitFor, whenSynced } from '../helpers/clients';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

test.skip(!process.env.RUNBOARD_SCREENSHOTS, 'set RUNBOARD_SCREENSHOTS=1 to take screenshots');

const DAY_MS = 24 * 60 * 60 * 1000;

function inDays(days: number): string {
  const date = new Date(Date.now() + days * DAY_MS);
  date.setUTCHours(17, 0, 0, 0);
  return date.toISOString();
}

/** A websocket token of the owner for `ws`: the sync server needs a session or a token. */
async function ownerToken(ws: string): Promise<string> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const reply = await api.post('/api/v1/tokens', {
      data: { name: 'screenshots', workspaceId: ws }
    });
    if (reply.status() !== 201) throw new Error(`create token: ${await reply.text()}`);
    return ((await reply.json()) as { token: string }).token;
  } finally {
    await api.dispose();
  }
}

test('board, light theme, English', async ({ browser, baseURL }) => {
  const ws = await newWorkspace('shot', { member: null, name: 'Platform Ops' });
  const emptyWs = await newWorkspace('shot-empty', { member: null });
  const wsUrl = `${(baseURL ?? '').replace(/^http/, 'ws')}/sync`;
  const seeder = connectClient(wsUrl, `${ws}.board`, { params: { token: await ownerToken(ws) } });
  try {
    await whenSynced(seeder);
    const { doc } = seeder;
    await waitFor(() => listColumns(doc).length > 0, 5_000, 'columns from the server');
    initBoard(doc);
    const net = upsertLabel(doc, { name: 'network', color: '#0ea5e9' });
    const db = upsertLabel(doc, { name: 'database', color: '#8b5cf6' });
    const cust = upsertLabel(doc, { name: 'customer-facing', color: '#ef4444' });
    const maint = upsertLabel(doc, { name: 'maintenance', color: '#10b981' });
    const seed = [
      {
        title: 'Upgrade PostgreSQL 15 → 16 on the reporting replica',
        kind: 'change',
        priority: 'medium',
        labels: [db.id, maint.id],
        assignee: 'li-wei',
        dueAt: inDays(9),
        status: 'backlog'
      },
      {
        title: 'Document the on-call handover checklist',
        kind: 'task',
        priority: 'low',
        labels: [],
        assignee: null,
        dueAt: null,
        status: 'backlog'
      },
      {
        title: 'Rotate TLS certificates on the edge proxies',
        kind: 'change',
        priority: 'high',
        labels: [net.id, maint.id],
        assignee: 'sam-ortiz',
        dueAt: inDays(3),
        status: 'todo'
      },
      {
        title: 'Checkout returns 502 for 4% of requests',
        kind: 'incident',
        priority: 'urgent',
        labels: [cust.id, net.id],
        assignee: 'li-wei',
        dueAt: inDays(-1),
        status: 'in-progress'
      },
      {
        title: 'Add disk-usage alert for the log volume',
        kind: 'task',
        priority: 'medium',
        labels: [],
        assignee: 'ana-kovac',
        dueAt: inDays(5),
        status: 'in-progress'
      },
      {
        title: 'Review firewall rules for the staging VPC',
        kind: 'task',
        priority: 'high',
        labels: [net.id],
        assignee: 'sam-ortiz',
        dueAt: null,
        status: 'review'
      },
      {
        title: 'Enable WAL archiving to object storage',
        kind: 'change',
        priority: 'medium',
        labels: [db.id],
        assignee: 'ana-kovac',
        dueAt: null,
        status: 'done'
      }
    ] as const;
    for (const task of seed) {
      createTask(doc, { ...task, labels: [...task.labels] });
    }

    const context = await browser.newContext({
      ...signedIn(),
      locale: 'en-US',
      colorScheme: 'light',
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1
    });
    const page = await context.newPage();
    await page.goto(`/w/${ws}/board`);
    await expect(page.getByTestId('sync-badge')).toHaveAttribute('data-synced', 'true');
    await expect(page.getByTestId('task-card')).toHaveCount(seed.length);
    await page.getByTestId('new-task-title').blur();
    await page.screenshot({ path: 'docs/screenshots/board-minimal.png', fullPage: true });

    // Extra views for reviewing the UI; test-results/ is not committed.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: 'test-results/board-phone.png' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('lang-zh-CN').click();
    await page.screenshot({ path: 'test-results/board-dark-zh.png' });
    await context.close();

    const empty = await browser.newContext({
      ...signedIn(),
      locale: 'en-US',
      colorScheme: 'light'
    });
    const emptyPage = await empty.newPage();
    await emptyPage.goto(`/w/${emptyWs}/board`);
    await expect(emptyPage.getByTestId('board-empty')).toBeVisible();
    await empty.setOffline(true);
    await emptyPage.getByTestId('new-task-submit').click();
    await emptyPage.screenshot({ path: 'test-results/board-empty-offline.png' });
    await empty.close();
  } finally {
    seeder.destroy();
  }
});
