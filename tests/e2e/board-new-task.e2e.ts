/**
 * A task added from the board's form lands at the end of its column, often below the fold: the
 * board scrolls its card into view, highlights it for a moment (a fading ring; a steady one with
 * reduced motion) and a toast confirms it with a link to the task, in English and Chinese.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

/** A workspace whose backlog is long enough that its end is below the fold. */
async function longBacklog(prefix: string, count: number): Promise<string> {
  const ws = await newWorkspace(prefix, { member: null });
  const api = await apiAs(e2eAccounts().owner);
  try {
    for (let i = 1; i <= count; i++) {
      const response = await api.post(`/api/v1/workspaces/${ws}/tasks`, {
        data: { title: `Existing task ${i}`, status: 'backlog' }
      });
      expect(response.status()).toBe(201);
    }
  } finally {
    await api.dispose();
  }
  return ws;
}

async function openBoard(
  browser: Browser,
  ws: string,
  options: { locale: string; reducedMotion: 'reduce' | 'no-preference' }
): Promise<Page> {
  const context = await browser.newContext({
    ...signedIn(),
    locale: options.locale,
    reducedMotion: options.reducedMotion,
    viewport: { width: 1280, height: 720 }
  });
  const page = await context.newPage();
  await page.goto(`/w/${ws}/board`);
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout: 10_000 });
  return page;
}

async function addFromForm(page: Page, title: string): Promise<void> {
  await page.getByTestId('new-task-title').fill(title);
  await page.getByTestId('new-task-submit').click();
}

test('a new task is scrolled into view, highlighted, and confirmed by a toast that opens it', async ({
  browser
}) => {
  const ws = await longBacklog('newcard', 14);
  const page = await openBoard(browser, ws, { locale: 'en-US', reducedMotion: 'no-preference' });
  const backlog = page.locator('[data-testid="cell"][data-column-id="backlog"]');
  await expect(backlog.getByTestId('task-card')).toHaveCount(14);
  // The end of the backlog starts below the fold.
  await expect(backlog.getByTestId('task-card').last()).not.toBeInViewport();

  await addFromForm(page, 'Renew the wildcard certificate');
  const item = backlog.locator('[data-cell-card]').last();
  await expect(item).toContainText('Renew the wildcard certificate');
  await expect(item).toHaveAttribute('data-fresh', 'true');
  await expect(item).toBeInViewport({ ratio: 1 });
  // The ring fades (an animation, its name scoped by Svelte) when motion is welcome.
  expect(
    await item.evaluate((element) => getComputedStyle(element, '::after').animationName)
  ).toMatch(/fresh$/);

  const toast = page.getByTestId('task-created-toast');
  await expect(toast).toBeVisible();
  await expect(toast).toHaveAttribute('role', 'status');
  // Numbered by the server a moment later: the toast shows the key once it is there.
  await expect(page.getByTestId('task-created-text')).toHaveText(
    /^Task [A-Z][A-Z0-9]*-\d+ created$/
  );
  const key = (await page.getByTestId('task-created-text').textContent())!.split(' ')[1]!;
  const open = page.getByTestId('task-created-open');
  await expect(open).toHaveText('Open');
  await expect(open).toHaveAttribute('href', `/w/${ws}/tasks/${key}`);

  // The highlight goes after a moment; the toast stays longer.
  await expect(item).not.toHaveAttribute('data-fresh', 'true', { timeout: 5_000 });
  await expect(toast).toBeVisible();

  await open.click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/tasks/${key}$`));
  await expect(page.getByTestId('task-created-toast')).toHaveCount(0);
  await page.context().close();
});

test('with reduced motion the card jumps into view with a steady ring; the toast speaks Chinese', async ({
  browser
}) => {
  const ws = await longBacklog('newcardzh', 14);
  const page = await openBoard(browser, ws, { locale: 'zh-CN', reducedMotion: 'reduce' });
  const backlog = page.locator('[data-testid="cell"][data-column-id="backlog"]');
  await expect(backlog.getByTestId('task-card')).toHaveCount(14);

  await addFromForm(page, '续期通配符证书');
  const item = backlog.locator('[data-cell-card]').last();
  await expect(item).toHaveAttribute('data-fresh', 'true');
  // No smooth scrolling to wait for: in view at once.
  expect(
    await item.evaluate((element) => {
      const rect = element.getBoundingClientRect();
      return rect.top >= 0 && rect.bottom <= window.innerHeight;
    })
  ).toBe(true);
  expect(await item.evaluate((element) => getComputedStyle(element, '::after').animationName)).toBe(
    'none'
  );

  await expect(page.getByTestId('task-created-text')).toHaveText(/^已创建任务 [A-Z][A-Z0-9]*-\d+$/);
  await expect(page.getByTestId('task-created-open')).toHaveText('打开');
  await page.getByTestId('task-created-dismiss').click();
  await expect(page.getByTestId('task-created-toast')).toHaveCount(0);
  await page.context().close();
});
