/**
 * Two app nodes behind two origins, as a deployment with a load balancer spreads its users: both
 * run the production build (`build/server/main.js`) on one fresh PostgreSQL database and the
 * shared Redis (a channel prefix of their own), with the same RUNBOARD_SECRET_KEY. The owner
 * signs in on node 1 and a member on node 2 (two browser contexts, two sign-ins), both open one
 * runbook and one board: each sees the other's typing, caret and avatar, and a card dragged on
 * node 1 lands in its new column on node 2. Both nodes then stop (SIGTERM) and the stored
 * documents, read straight from the database, hold both edits and the card's new column.
 *
 * This file does not use the shared e2e server. PostgreSQL (RUNBOARD_TEST_PG_ADMIN_URL) and Redis
 * (RUNBOARD_TEST_REDIS_URL) are required: without them the test fails and says which is missing.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { listTasks } from '../../src/lib/shared/board/board-model';
import { runbookPlainText } from '../../src/lib/shared/runbooks/runbook-model';
import { readStoredOn } from '../helpers/cluster';
import { TEST_SECRET_KEY } from '../helpers/database';
import { adminUrl, createTestDatabase, type TestDatabase } from '../helpers/postgres';
import { SHARED_REDIS_URL, requireRedis, uniqueRedisPrefix } from '../helpers/redis';
import { startAppProcess, type ServerProcess } from '../helpers/server-process';
import { tempDataDir } from '../helpers/sync-server';

const root = resolve(import.meta.dirname, '../..');
const PASSWORD = 'two nodes correct horse battery';
const OWNER = { name: 'Olga Owner', email: 'owner@two-nodes.test' };
const MEMBER = { name: 'Max Member', email: 'member@two-nodes.test' };
/** How long something made on one node may take to show on the other (busy CI machine). */
const ACROSS = 15_000;

interface Client {
  context: BrowserContext;
  page: Page;
}

let database: TestDatabase | null = null;
let nodes: ServerProcess[] = [];
let dataDirs: string[] = [];
let clients: Client[] = [];

test.afterEach(async () => {
  const testInfo = test.info();
  await Promise.all(clients.map((client) => client.context.close()));
  clients = [];
  const failed = testInfo.status !== testInfo.expectedStatus;
  for (const [i, node] of nodes.entries()) {
    await node.kill('SIGTERM');
    if (failed) await testInfo.attach(`node-${i + 1}.log`, { body: node.output() });
  }
  nodes = [];
  await database?.drop();
  database = null;
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  dataDirs = [];
});

/** A fresh database, or an error saying PostgreSQL is needed. */
async function freshDatabase(): Promise<TestDatabase> {
  try {
    return await createTestDatabase();
  } catch (error) {
    throw new Error(
      `two-nodes e2e: PostgreSQL at ${new URL(adminUrl).host} is required and not reachable ` +
        `(${error instanceof Error ? error.message : String(error)}); start it or set ` +
        'RUNBOARD_TEST_PG_ADMIN_URL',
      { cause: error }
    );
  }
}

/** Starts one node of the production build with `env`, on port 0 and a data directory of its own. */
async function startNode(env: Record<string, string>): Promise<ServerProcess> {
  const dataDir = tempDataDir('runboard-e2e-node-');
  dataDirs.push(dataDir);
  // LOG_LEVEL stays info: the helper reads the port from the "listening" line.
  const node = await startAppProcess(dataDir, { env });
  nodes.push(node);
  return node;
}

/** The admin CLI of the same build, as an operator runs it against the shared database. */
async function admin(args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(root, 'build/server/admin.js'), ...args],
    { cwd: root, env: { ...process.env, ...env } }
  );
  return stdout.trim();
}

/** A context on `origin` (separate cookies and storage), big enough for the whole board. */
async function openClient(browser: Browser, origin: string): Promise<Client> {
  const context = await browser.newContext({
    baseURL: origin,
    locale: 'en-US',
    viewport: { width: 1800, height: 1000 }
  });
  const client = { context, page: await context.newPage() };
  clients.push(client);
  return client;
}

/** Signs in through the login form of `page`'s origin and lands on `next`. */
async function signIn(page: Page, email: string, next: string): Promise<void> {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  // Typed into before hydration, a server-rendered field can be reset by it.
  await page.locator('html[data-hydrated]').waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL((url) => url.pathname === next, { timeout: ACROSS });
}

/** Waits until `page` is live, online and synced (`scope`: the runbook page's own badge). */
async function expectSynced(page: Page, scope?: string): Promise<void> {
  await page.locator('html[data-hydrated]').waitFor({ timeout: ACROSS });
  const badge = (scope ? page.getByTestId(scope) : page).getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-state', 'online', { timeout: ACROSS });
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout: ACROSS });
}

function card(page: Page, title: string) {
  return page.getByTestId('task-card').filter({ hasText: title });
}

function titlesIn(page: Page, column: string) {
  return page.locator(`[data-testid="cell"][data-column-id="${column}"]`).getByTestId('task-title');
}

/** Types `text` as a new paragraph at the end of the runbook editor. */
async function appendParagraph(page: Page, text: string): Promise<void> {
  await page.getByTestId('runbook-content').click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
}

/** The editor's text block by block, without the other people's caret labels. */
function documentText(page: Page): Promise<string[]> {
  return page.getByTestId('runbook-content').evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove());
    return [...copy.children].map((block) => (block.textContent ?? '').trim());
  });
}

test('two people on two nodes co-edit a runbook and move a card; the database holds both', async ({
  browser
}) => {
  // Two node starts, two sign-ins, a runbook and a board across nodes, two shutdowns, on a
  // shared 2-core machine: generous, but bounded.
  test.setTimeout(180_000);
  await requireRedis(SHARED_REDIS_URL);
  database = await freshDatabase();
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_PREFIX: uniqueRedisPrefix(),
    RUNBOARD_SECRET_KEY: TEST_SECRET_KEY
  };
  // One after the other: the first migrates the database.
  const node1 = await startNode(env);
  const node2 = await startNode(env);

  // First-run setup on node 1 (owner and workspace), then a member added with the admin CLI.
  const setup = await fetch(`${node1.baseUrl}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...OWNER, password: PASSWORD, workspaceName: 'Two nodes' })
  });
  expect(setup.status, await setup.clone().text()).toBe(201);
  const { userId: ownerId, workspaceId: ws } = (await setup.json()) as {
    userId: string;
    workspaceId: string;
  };
  const cliEnv = { ...env, DATA_DIR: dataDirs[0]! };
  const memberId = await admin(
    ['create-user', '--email', MEMBER.email, '--name', MEMBER.name, '--password', PASSWORD],
    cliEnv
  );
  await admin(
    ['add-member', '--workspace', ws, '--email', MEMBER.email, '--role', 'member'],
    cliEnv
  );

  // Two origins, two sign-ins: the owner on node 1, the member on node 2.
  const board = `/w/${ws}/board`;
  const a = await openClient(browser, node1.baseUrl);
  const b = await openClient(browser, node2.baseUrl);
  await signIn(a.page, OWNER.email, board);
  await signIn(b.page, MEMBER.email, board);
  await Promise.all([expectSynced(a.page), expectSynced(b.page)]);

  // The board: a card added on node 2 shows on node 1; dragged there, it moves on node 2.
  const title = 'Fail over the primary database';
  await b.page.getByTestId('new-task-title').fill(title);
  await b.page.getByTestId('new-task-submit').click();
  await expect(titlesIn(b.page, 'backlog')).toHaveText([title]);
  await expect(titlesIn(a.page, 'backlog')).toHaveText([title], { timeout: ACROSS });
  await card(a.page, title).dragTo(a.page.locator('[data-testid="cell"][data-column-id="todo"]'));
  await expect(titlesIn(a.page, 'todo')).toHaveText([title]);
  await expect(titlesIn(b.page, 'todo')).toHaveText([title], { timeout: ACROSS });
  await expect(titlesIn(b.page, 'backlog')).toHaveCount(0);

  // The runbook: made on node 1, open on both nodes before anyone types.
  const created = await a.context.request.post(`/api/v1/workspaces/${ws}/runbooks`, {
    data: {
      title: 'Database failover',
      markdown: '# Database failover\n\nCheck the replica lag first.\n'
    }
  });
  expect(created.status(), await created.text()).toBe(201);
  const { id: runbookId } = (await created.json()) as { id: string };
  const runbook = `/w/${ws}/runbooks/${runbookId}`;
  await Promise.all([a.page.goto(runbook), b.page.goto(runbook)]);
  await Promise.all([expectSynced(a.page, 'runbook-page'), expectSynced(b.page, 'runbook-page')]);
  await expect(a.page.getByTestId('runbook-content')).toContainText('Check the replica lag');
  await expect(b.page.getByTestId('runbook-content')).toContainText('Check the replica lag');

  const ownerLine = 'Owner on node 1 promotes the replica';
  const memberLine = 'Member on node 2 repoints the application';
  await appendParagraph(a.page, ownerLine);
  await expect(b.page.getByTestId('runbook-content')).toContainText(ownerLine, { timeout: ACROSS });
  await appendParagraph(b.page, memberLine);
  await expect(a.page.getByTestId('runbook-content')).toContainText(memberLine, {
    timeout: ACROSS
  });
  const expected = ['Database failover', 'Check the replica lag first.', ownerLine, memberLine];
  for (const { page } of [a, b]) {
    await expect.poll(() => documentText(page), { timeout: ACROSS }).toEqual(expected);
  }

  // Each sees the other's caret, labelled with their name, and their avatar: presence crosses
  // the nodes too.
  await expect(a.page.locator('.collaboration-carets__label')).toHaveText(MEMBER.name, {
    timeout: ACROSS
  });
  await expect(b.page.locator('.collaboration-carets__label')).toHaveText(OWNER.name, {
    timeout: ACROSS
  });
  for (const [page, other] of [
    [a.page, memberId],
    [b.page, ownerId]
  ] as const) {
    await expect(
      page
        .getByTestId('presence')
        .getByTestId('avatar')
        .and(page.locator(`[data-member-id="${other}"]`))
    ).toBeVisible({ timeout: ACROSS });
  }

  // Both nodes stop cleanly (by pid, SIGTERM), and the database holds what both people did.
  await Promise.all(clients.map((client) => client.context.close()));
  clients = [];
  for (const node of [node1, node2]) {
    await node.kill('SIGTERM');
    expect(await node.exited, node.output()).toEqual({ code: 0, signal: null });
  }
  const storedRunbook = runbookPlainText(
    await readStoredOn({ databaseUrl: database.url }, `${ws}.runbook.${runbookId}`)
  );
  expect(storedRunbook.split('\n')).toEqual(expected);
  const storedBoard = await readStoredOn({ databaseUrl: database.url }, `${ws}.board`);
  expect(listTasks(storedBoard).map((task) => [task.title, task.status])).toEqual([
    [title, 'todo']
  ]);
});
