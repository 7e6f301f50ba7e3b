/**
 * Runbooks in real Chromium against the production build: two people co-edit one runbook and
 * see each other's carets; a runbook reloaded offline keeps its edits and merges back; a
 * runbook starts from a template; Markdown goes in through the import button and comes back out through the export; a named
 * version is restored; pasted HTML cannot run script; the library renders in Chinese. Every
 * test makes its own workspace, so runbooks never leak between tests.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn, type E2eUser } from './fixtures';
import { expectPageCached, waitForServiceWorker } from './service-worker';

interface Client {
  context: BrowserContext;
  page: Page;
}

async function openPage(
  browser: Browser,
  options: { user?: E2eUser; locale?: string } = {}
): Promise<Client> {
  const context = await browser.newContext({
    ...signedIn(options.user ?? e2eAccounts().owner),
    locale: options.locale ?? 'en-US'
  });
  return { context, page: await context.newPage() };
}

async function expectSynced(page: Page, timeout = 10_000): Promise<void> {
  const badge = page.getByTestId('runbook-page').getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-state', 'online', { timeout });
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout });
}

/** Opens the editor of runbook `id` and waits until its document is synced and titled. */
async function openRunbook(page: Page, ws: string, id: string): Promise<void> {
  await page.goto(`/w/${ws}/runbooks/${id}`);
  await expectSynced(page);
  await expect(page.getByTestId('runbook-content')).toBeVisible();
}

/** Creates a runbook through the REST API as `user`; resolves with its id. */
async function createRunbook(
  user: E2eUser,
  ws: string,
  body: { title: string; markdown?: string; template?: string }
): Promise<string> {
  const api = await apiAs(user);
  try {
    const response = await api.post(`/api/v1/workspaces/${ws}/runbooks`, { data: body });
    expect(response.status(), await response.text()).toBe(201);
    return ((await response.json()) as { id: string }).id;
  } finally {
    await api.dispose();
  }
}

/** The editor's text block by block, without the other people's caret labels. */
function documentText(page: Page): Promise<string[]> {
  return page.getByTestId('runbook-content').evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove());
    return [...copy.children].map((block) => (block.textContent ?? '').trim());
  });
}

/** Types `text` as a new paragraph at the end of the editor. */
async function appendParagraph(page: Page, text: string): Promise<void> {
  const content = page.getByTestId('runbook-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
}

const REALISTIC_RUNBOOK = `# Restore PostgreSQL from backup

Use this when the primary database is lost or corrupted.

## Before you start

- [ ] Page the database owner
- [x] Freeze deploys

## Restore

\`\`\`bash
pg_restore --clean --dbname=app /backups/latest.dump
\`\`\`

| Step | Owner | Minutes |
| --- | --- | --- |
| Restore | DBA | 30 |
| Verify | SRE | 10 |

See [the backup policy](https://example.com/backups).
`;

test.describe('runbooks', () => {
  let clients: Client[] = [];

  test.afterEach(async () => {
    await Promise.all(clients.map((c) => c.context.close()));
    clients = [];
  });

  test('two people edit one runbook at once, converge and see each other’s carets', async ({
    browser
  }) => {
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('rb-coedit');
    const id = await createRunbook(owner, ws, { title: 'Failover drill' });
    const a = await openPage(browser);
    const b = await openPage(browser, { user: member });
    clients.push(a, b);
    await Promise.all([openRunbook(a.page, ws, id), openRunbook(b.page, ws, id)]);

    await appendParagraph(a.page, 'Owner writes step one');
    await appendParagraph(b.page, 'Member writes step two');

    for (const { page } of [a, b]) {
      const content = page.getByTestId('runbook-content');
      await expect(content).toContainText('Owner writes step one');
      await expect(content).toContainText('Member writes step two');
    }
    // Both editors hold the same document, block for block.
    await expect.poll(() => documentText(b.page)).toEqual(await documentText(a.page));

    // Each sees the other's caret, labelled with their name, and their avatar.
    await expect(a.page.locator('.collaboration-carets__label')).toHaveText(member.name);
    await expect(b.page.locator('.collaboration-carets__label')).toHaveText(owner.name);
    await expect(
      a.page
        .getByTestId('presence')
        .getByTestId('avatar')
        .and(a.page.locator(`[data-member-id="${member.id}"]`))
    ).toBeVisible();

    // Title and tags live in the same document and sync the same way (typing there moves
    // the focus out of the editor, which hides the caret: so this comes last).
    await a.page.getByTestId('runbook-title').fill('Failover drill, second run');
    await a.page.getByTestId('runbook-title').press('Enter');
    await a.page.getByTestId('runbook-tags-input').fill('database');
    await a.page.getByTestId('runbook-tags-input').press('Enter');
    await expect(b.page.getByTestId('runbook-title')).toHaveValue('Failover drill, second run');
    await expect(b.page.getByTestId('runbook-tags-value')).toHaveText(['database']);
  });

  test('a runbook reloaded offline still shows and takes edits, and merges once back online', async ({
    browser
  }) => {
    // Two users, a reload and a reconnect on a shared, busy machine.
    test.setTimeout(60_000);
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('rb-offline');
    const id = await createRunbook(owner, ws, {
      title: 'Offline drill',
      markdown: '# Offline drill\n\nCheck the replica lag first.\n'
    });
    const a = await openPage(browser);
    const b = await openPage(browser, { user: member });
    clients.push(a, b);
    await Promise.all([openRunbook(a.page, ws, id), openRunbook(b.page, ws, id)]);
    // The worker must control the page and keep a copy of it before the network goes away.
    await waitForServiceWorker(b.page);
    await expectSynced(b.page);
    await expectPageCached(b.page, `/w/${ws}/runbooks/${id}`);

    await b.context.setOffline(true);
    await expect(b.page.getByTestId('runbook-page').getByTestId('sync-badge')).toHaveAttribute(
      'data-state',
      'offline'
    );
    await expect(b.page.getByTestId('runbook-offline')).toBeVisible();
    await appendParagraph(b.page, 'Written while offline');

    // Reload with no network: the worker serves the page, IndexedDB the runbook.
    await b.page.reload();
    const offlineContent = b.page.getByTestId('runbook-content');
    await expect(offlineContent).toContainText('Check the replica lag first.');
    await expect(offlineContent).toContainText('Written while offline');
    await expect(b.page.getByTestId('runbook-page').getByTestId('sync-badge')).toHaveAttribute(
      'data-state',
      'offline'
    );
    await expect(b.page.getByTestId('runbook-offline')).toBeVisible();
    await expect(b.page.locator('.ProseMirror[contenteditable="true"]')).toBeVisible();
    await appendParagraph(b.page, 'Written after the offline reload');
    await expect(offlineContent).toContainText('Written after the offline reload');

    await appendParagraph(a.page, 'Written online meanwhile');
    await expect(a.page.getByTestId('runbook-content')).not.toContainText('Written while offline');

    await b.context.setOffline(false);
    await expectSynced(b.page, 15_000);
    for (const { page } of [a, b]) {
      const content = page.getByTestId('runbook-content');
      await expect(content).toContainText('Written while offline', { timeout: 10_000 });
      await expect(content).toContainText('Written after the offline reload', { timeout: 10_000 });
      await expect(content).toContainText('Written online meanwhile');
    }
  });

  test('text typed as the page goes is kept, though IndexedDB had not saved it yet', async ({
    browser
  }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('rb-journal', { member: null });
    const id = await createRunbook(owner, ws, {
      title: 'Journal',
      markdown: '# Journal\n\nFirst line.\n'
    });
    const a = await openPage(browser);
    clients.push(a);
    await openRunbook(a.page, ws, id);
    await waitForServiceWorker(a.page);
    await expectSynced(a.page);
    await expectPageCached(a.page, `/w/${ws}/runbooks/${id}`);
    // The page's badge is the runbook's (the top bar's is the board's), and says so.
    await expect(a.page.getByTestId('runbook-page').getByTestId('sync-subject')).toHaveText(
      'Runbook'
    );
    await expect(a.page.getByTestId('runbook-page').getByTestId('sync-badge')).toHaveAttribute(
      'aria-label',
      'Runbook connection: Online'
    );
    await a.context.setOffline(true);
    await expect(a.page.getByTestId('runbook-page').getByTestId('sync-badge')).toHaveAttribute(
      'data-state',
      'offline'
    );
    // Hold the offline copy's store with a transaction that never ends (a request issued from
    // each one's success): y-indexeddb's writes queue behind it and never commit, as when a
    // page goes a moment after the keys were typed. Only the unsaved journal (localStorage,
    // written on pagehide) can bring the text back.
    await a.page.evaluate(async (name) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('open failed'));
      });
      const store = db.transaction(['updates'], 'readwrite').objectStore('updates');
      const hold = (): void => {
        store.count().onsuccess = hold;
      };
      hold();
    }, `${ws}.runbook.${id}`);
    await appendParagraph(a.page, 'Typed as the page went');
    await a.page.reload();
    const content = a.page.getByTestId('runbook-content');
    await expect(content).toContainText('First line.');
    await expect(content).toContainText('Typed as the page went');
    // Applied once, then forgotten; and it reaches the server like any offline edit.
    await expect
      .poll(() =>
        a.page.evaluate(
          () =>
            Object.keys(localStorage).filter((key) => key.startsWith('runboard:unsaved:')).length
        )
      )
      .toBe(0);
    await a.context.setOffline(false);
    await expectSynced(a.page, 15_000);
    const api = await apiAs(owner);
    try {
      const exported = await api.get(`/api/v1/workspaces/${ws}/runbooks/${id}/export?format=md`);
      expect(await exported.text()).toContain('Typed as the page went');
    } finally {
      await api.dispose();
    }
  });

  test('Contents lists the headings, follows edits and jumps to a section', async ({ browser }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('rb-outline', { member: null });
    const sections = Array.from(
      { length: 30 },
      (_, index) =>
        `## Section ${index + 1}\n\n${'Text to read before the next step. '.repeat(30)}\n`
    ).join('\n');
    const id = await createRunbook(owner, ws, {
      title: 'Long runbook',
      markdown: `# Long runbook\n\n${sections}`
    });
    const a = await openPage(browser);
    clients.push(a);
    await openRunbook(a.page, ws, id);
    const entries = a.page.getByTestId('runbook-outline-entry');
    // The first heading repeats the title shown above, so it is left out.
    await expect(entries).toHaveCount(30);
    await expect(entries.first()).toHaveText('Section 1');
    const last = a.page.locator('.rb-content h2', { hasText: 'Section 30' });
    await expect(last).not.toBeInViewport();
    await entries.last().click();
    await expect(last).toBeInViewport();

    // A new heading shows in the contents as it is written.
    await appendParagraph(a.page, 'Afterwards');
    await a.page.keyboard.press('Home');
    await a.page.keyboard.press('ControlOrMeta+Alt+2');
    await expect(entries).toHaveCount(31);
    await expect(entries.last()).toHaveText('Afterwards');
  });

  test('a new runbook starts from the incident response template', async ({ browser }) => {
    const ws = await newWorkspace('rb-template', { member: null });
    const a = await openPage(browser);
    clients.push(a);
    await a.page.goto(`/w/${ws}/runbooks`);
    await expect(a.page.getByTestId('runbooks-empty')).toBeVisible();
    await a.page.getByTestId('runbook-new').click();
    await a.page.getByTestId('runbook-new-template').selectOption('incident-response');
    await a.page.getByTestId('runbook-new-submit').click();

    await expect(a.page).toHaveURL(new RegExp(`/w/${ws}/runbooks/[^/]+$`));
    await expectSynced(a.page);
    await expect(a.page.getByTestId('runbook-title')).toHaveValue('Incident response');
    const content = a.page.getByTestId('runbook-content');
    await expect(content.locator('h1, h2').first()).toBeVisible();
    await expect(content.locator('ul[data-type="taskList"] li').first()).toBeVisible();

    // Kept offline: the library marks it.
    await a.page.getByTestId('keep-offline').check();
    await a.page.getByTestId('runbook-back').click();
    await expect(a.page.getByTestId('runbook-row')).toHaveCount(1);
    await expect(a.page.getByTestId('runbook-link')).toHaveText('Incident response');
    await expect(a.page.getByTestId('runbook-kept')).toBeVisible();

    // Duplicate and archive from the row menu.
    await a.page.getByTestId('runbook-row-menu').click();
    await a.page.getByTestId('runbook-row-duplicate').click();
    await expect(a.page).toHaveURL(new RegExp(`/w/${ws}/runbooks/[^/]+$`));
    await a.page.getByTestId('runbook-back').click();
    await expect(a.page.getByTestId('runbook-row')).toHaveCount(2);
    const copy = a.page
      .getByTestId('runbook-row')
      .filter({ hasNot: a.page.getByTestId('runbook-kept') });
    await copy.getByTestId('runbook-row-menu').click();
    await copy.getByTestId('runbook-row-archive').click();
    await expect(a.page.getByTestId('runbook-row')).toHaveCount(1);
    await a.page.getByTestId('runbook-archived-filter').selectOption('only');
    await expect(a.page.getByTestId('runbook-row')).toHaveCount(1);
    await expect(a.page.getByTestId('runbook-row')).toContainText('Archived');
  });

  test('viewers read a runbook without a toolbar and cannot type into it', async ({ browser }) => {
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('rb-viewer', { member: 'viewer' });
    const id = await createRunbook(owner, ws, {
      title: 'Read only',
      markdown: '# Read only\n\nNothing to change here.\n'
    });
    const b = await openPage(browser, { user: member });
    clients.push(b);
    await openRunbook(b.page, ws, id);
    const content = b.page.getByTestId('runbook-content');
    await expect(content).toContainText('Nothing to change here.');
    await expect(content).toHaveAttribute('contenteditable', 'false');
    await expect(b.page.getByTestId('editor-toolbar')).toHaveCount(0);
    await expect(b.page.getByTestId('runbook-read-only')).toBeVisible();
    await expect(b.page.getByTestId('runbook-title-text')).toHaveText('Read only');
    await b.page.goto(`/w/${ws}/runbooks`);
    await expect(b.page.getByTestId('runbook-link')).toHaveText('Read only');
    await expect(b.page.getByTestId('runbook-new')).toHaveCount(0);

    // A runbook that does not exist says so instead of opening an empty editor.
    await b.page.goto(`/w/${ws}/runbooks/no-such-runbook`);
    await expect(b.page.getByTestId('runbook-not-found')).toBeVisible();
    await expect(b.page.getByTestId('runbook-editor')).toHaveCount(0);
  });

  test('Markdown imported with the button comes back out of the export intact', async ({
    browser
  }) => {
    const ws = await newWorkspace('rb-markdown', { member: null });
    const a = await openPage(browser);
    clients.push(a);
    await a.page.goto(`/w/${ws}/runbooks`);
    // The empty state only renders after the client fetched the list, i.e. once hydrated.
    await expect(a.page.getByTestId('runbooks-empty')).toBeVisible();
    await a.page.getByTestId('runbook-import-input').setInputFiles([
      {
        name: 'restore-postgres.md',
        mimeType: 'text/markdown',
        buffer: Buffer.from(REALISTIC_RUNBOOK)
      },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('ignored: not Markdown') }
    ]);
    await expect(a.page.getByTestId('import-result')).toContainText('Imported 1 runbook');
    const link = a.page.getByTestId('runbook-link');
    await expect(link).toHaveText('Restore PostgreSQL from backup');

    await link.click();
    await expectSynced(a.page);
    const content = a.page.getByTestId('runbook-content');
    await expect(content.locator('h2')).toHaveText(['Before you start', 'Restore']);
    await expect(content.locator('pre code')).toContainText('pg_restore --clean');
    await expect(content.locator('table td')).toContainText(['Restore', 'DBA', '30', 'Verify']);
    await expect(content.locator('ul[data-type="taskList"] > li')).toHaveCount(2);
    await expect(content.locator('a[href="https://example.com/backups"]')).toBeVisible();

    const download = a.page.waitForEvent('download');
    await a.page.getByTestId('export-md').click();
    const file = await download;
    const path = await file.path();
    const { readFile } = await import('node:fs/promises');
    const markdown = await readFile(path, 'utf8');
    expect(markdown).toContain('# Restore PostgreSQL from backup');
    expect(markdown).toContain('## Before you start');
    expect(markdown).toMatch(/- \[ \] Page the database owner/);
    expect(markdown).toMatch(/- \[x\] Freeze deploys/);
    expect(markdown).toContain(
      '```bash\npg_restore --clean --dbname=app /backups/latest.dump\n```'
    );
    expect(markdown).toMatch(/\|\s*Step\s*\|\s*Owner\s*\|\s*Minutes\s*\|/);
    expect(markdown).toMatch(/\|\s*Verify\s*\|\s*SRE\s*\|\s*10\s*\|/);
    expect(markdown).toContain('[the backup policy](https://example.com/backups)');
  });

  test('a named version can be viewed, compared and restored', async ({ browser }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('rb-versions', { member: null });
    const id = await createRunbook(owner, ws, {
      title: 'Rotate certificates',
      markdown: '# Rotate certificates\n\nRenew the wildcard certificate.\n'
    });
    const a = await openPage(browser);
    clients.push(a);
    await openRunbook(a.page, ws, id);
    const content = a.page.getByTestId('runbook-content');
    await expect(content).toContainText('Renew the wildcard certificate.');

    await a.page.getByTestId('version-name').fill('Before the change');
    await a.page.getByTestId('version-save').click();
    await expect(a.page.getByTestId('version-message')).toContainText('Before the change');
    const named = a.page.getByTestId('version-item').filter({ hasText: 'Before the change' });
    await expect(named).toBeVisible();

    await appendParagraph(a.page, 'A step added after the version');
    await expect(content).toContainText('A step added after the version');

    await named.getByTestId('version-compare').click();
    await expect(a.page.getByTestId('version-diff').locator('[data-kind="added"]')).toContainText(
      'A step added after the version'
    );

    await named.getByTestId('version-view').click();
    const viewer = a.page.getByTestId('version-content');
    await expect(viewer).toContainText('Renew the wildcard certificate.');
    await expect(viewer).not.toContainText('A step added after the version');
    await expect(viewer).toHaveAttribute('contenteditable', 'false');

    await a.page.getByTestId('version-restore').click();
    await a.page.getByTestId('version-restore-confirm').click();
    await expect(a.page.getByTestId('version-message')).toContainText('Restored');
    await expect(content).not.toContainText('A step added after the version', { timeout: 10_000 });
    await expect(content).toContainText('Renew the wildcard certificate.');
    // The restore kept the state before it as an automatic snapshot.
    await expect(
      a.page.locator('[data-testid="version-item"][data-kind="auto"]').first()
    ).toBeVisible();
  });

  test('pasted HTML with script, event handlers and javascript: links is neutralised', async ({
    browser
  }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('rb-xss', { member: null });
    const id = await createRunbook(owner, ws, { title: 'Paste test' });
    const a = await openPage(browser);
    clients.push(a);
    let dialogs = 0;
    a.page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    await openRunbook(a.page, ws, id);
    const content = a.page.getByTestId('runbook-content');
    await content.click();

    await a.page.evaluate(() => {
      const target = document.querySelector('[data-testid="runbook-content"]');
      if (target === null) throw new Error('no editor');
      const data = new DataTransfer();
      data.setData(
        'text/html',
        '<p>Safe text</p><script>alert(1)</script><img src=x onerror="alert(1)">' +
          '<p><a href="javascript:alert(1)">click me</a> and <a href="https://example.com/ok">ok</a></p>' +
          '<p onclick="alert(1)" onmouseover="alert(1)">handler paragraph</p>'
      );
      data.setData('text/plain', 'Safe text');
      target.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
      );
    });

    await expect(content).toContainText('Safe text');
    await expect(content).toContainText('click me');
    await expect(content).toContainText('handler paragraph');
    await expect(content.locator('script')).toHaveCount(0);
    await expect(content.locator('[onerror], [onclick], [onmouseover]')).toHaveCount(0);
    await expect(content.locator('img[src="x"]')).toHaveCount(0);
    await expect(content.locator('a[href^="javascript"]')).toHaveCount(0);
    await expect(content.locator('a[href="https://example.com/ok"]')).toHaveCount(1);
    await content.getByText('handler paragraph').hover();
    await a.page.waitForTimeout(300);
    expect(dialogs).toBe(0);
  });

  test('the library renders in Chinese', async ({ browser }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('rb-zh', { member: null });
    await createRunbook(owner, ws, {
      title: '数据库备份恢复',
      markdown: '# 数据库备份恢复\n\n先确认备份。\n'
    });
    const a = await openPage(browser, { locale: 'zh-CN' });
    clients.push(a);
    await a.page.goto(`/w/${ws}/runbooks`);
    await expect(a.page.locator('html')).toHaveAttribute('lang', 'zh-CN');
    await expect(a.page.getByRole('heading', { level: 1 })).toHaveText('运行手册');
    await expect(a.page.getByTestId('nav-runbooks')).toHaveText('运行手册');
    await expect(a.page.getByTestId('runbook-new')).toHaveText('新建运行手册');
    await expect(a.page.getByTestId('runbook-import')).toHaveText('导入 Markdown');
    await expect(a.page.getByTestId('runbook-search')).toHaveAttribute(
      'placeholder',
      '搜索标题和正文…'
    );
    await expect(a.page.getByTestId('runbook-link')).toHaveText('数据库备份恢复');
    await expect(a.page.getByTestId('runbook-row')).toContainText('更新于');
  });

  test('step checkboxes carry a screen-reader label in the UI language', async ({ browser }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('rb-steps', { member: null });
    const id = await createRunbook(owner, ws, {
      title: '切换数据库',
      markdown: '- [ ] 检查复制延迟\n- [x] 提升副本\n'
    });
    const a = await openPage(browser, { locale: 'zh-CN' });
    clients.push(a);
    await openRunbook(a.page, ws, id);
    const boxes = a.page.getByTestId('runbook-content').locator('input[type="checkbox"]');
    await expect(boxes).toHaveCount(2);
    // tiptap's own label would be "Task item checkbox for 检查复制延迟".
    await expect(boxes.nth(0)).toHaveAttribute('aria-label', '步骤：检查复制延迟');
    await expect(boxes.nth(1)).toHaveAttribute('aria-label', '步骤：提升副本');
  });

  test('the search box finds runbooks by their text and keeps the query in the address', async ({
    browser
  }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('rb-search', { member: null });
    await createRunbook(owner, ws, {
      title: '数据库备份恢复',
      markdown: '# 数据库备份恢复\n\n从对象存储下载最近的备份文件。\n'
    });
    await createRunbook(owner, ws, {
      title: 'Rotate TLS certificates',
      markdown: '# Rotate TLS certificates\n\nRenew the wildcard certificate before it expires.\n'
    });
    const a = await openPage(browser);
    clients.push(a);
    await a.page.goto(`/w/${ws}/runbooks`);
    await expect(a.page.getByTestId('runbook-row')).toHaveCount(2);

    await a.page.getByTestId('runbook-search').fill('wildcard');
    await expect(a.page).toHaveURL(/[?&]q=wildcard/);
    await expect(a.page.getByTestId('runbook-link')).toHaveText(['Rotate TLS certificates']);

    await a.page.getByTestId('runbook-search').fill('备份');
    await expect(a.page.getByTestId('runbook-link')).toHaveText(['数据库备份恢复']);

    // The query survives a reload: it is in the address.
    await a.page.reload();
    await expect(a.page.getByTestId('runbook-search')).toHaveValue('备份');
    await expect(a.page.getByTestId('runbook-link')).toHaveText(['数据库备份恢复']);

    // Offline, the library falls back to the last full list fetched on this device.
    await a.context.setOffline(true);
    await a.page.getByTestId('runbook-search').fill('');
    await expect(a.page.getByTestId('runbooks-cached')).toBeVisible();
    await expect(a.page.getByTestId('runbook-row')).toHaveCount(2);
  });

  test('images upload from the toolbar, still show after an offline reload, and are refused with a message while offline', async ({
    browser
  }) => {
    const { owner } = e2eAccounts();
    const ws = await newWorkspace('rb-image', { member: null });
    const id = await createRunbook(owner, ws, { title: 'Network diagram' });
    const a = await openPage(browser);
    clients.push(a);
    await openRunbook(a.page, ws, id);
    // The worker must control the page for it to keep the image it loads.
    await waitForServiceWorker(a.page);
    await expectSynced(a.page);
    await a.page.getByTestId('runbook-content').click();
    // A 1×1 PNG.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64'
    );
    await a.page
      .getByTestId('tb-image-input')
      .setInputFiles({ name: 'diagram.png', mimeType: 'image/png', buffer: png });
    const image = a.page.getByTestId('runbook-content').locator('img');
    await expect(image).toHaveAttribute(
      'src',
      new RegExp(`^/api/v1/workspaces/${ws}/files/[0-9a-f]{64}$`)
    );
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);

    await a.context.setOffline(true);
    await expect(a.page.getByTestId('runbook-offline')).toBeVisible();
    await a.page
      .getByTestId('tb-image-input')
      .setInputFiles({ name: 'second.png', mimeType: 'image/png', buffer: png });
    await expect(a.page.getByTestId('upload-error')).toContainText('offline');
    await expect(image).toHaveCount(1);

    // The worker kept the image (the browser's HTTP cache alone might also show it offline).
    const src = (await image.getAttribute('src')) ?? '';
    await expect
      .poll(() =>
        a.page.evaluate(async (path) => {
          const kept = await (await caches.open('files')).match(path);
          return kept?.status ?? null;
        }, src)
      )
      .toBe(200);
    // Reloaded offline, the page still shows it.
    await expectPageCached(a.page, `/w/${ws}/runbooks/${id}`);
    await a.page.reload();
    await expect(a.page.getByTestId('runbook-offline')).toBeVisible();
    await expect(image).toHaveCount(1);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  });
});
