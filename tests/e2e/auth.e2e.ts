/**
 * Accounts in real Chromium against the production build. First run needs a server nobody has
 * set up yet, so those tests start their own (`build/server/main.js` on port 0 with a fresh
 * DATA_DIR); the shared server is set up by global-setup.ts and only read here.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { DEMO_TASK_COUNT } from '../../src/lib/server/demo/demo-data';
import { DEMO_RUNBOOKS } from '../../src/lib/server/demo/demo-runbooks';
import { startAppProcess, type ServerProcess } from '../helpers/server-process';
import { tempDataDir } from '../helpers/sync-server';
import { e2eAccounts, newWorkspace, signIn, signedIn } from './fixtures';

const OWNER = {
  name: 'Ana Kovač',
  email: 'ana@example.test',
  password: 'a long and memorable passphrase'
};

async function expectSynced(page: Page): Promise<void> {
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout: 10_000 });
}

async function signInWithForm(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByTestId('login-submit').click();
}

test.describe('first run on a fresh server', () => {
  test.describe.configure({ mode: 'serial' });
  let server: ServerProcess;

  test.beforeAll(async () => {
    // LOG_LEVEL stays info: the helper reads the port from the "listening" line.
    server = await startAppProcess(tempDataDir('runboard-e2e-setup-'));
  });

  test.afterAll(async () => {
    await server?.kill();
  });

  async function freshPage(browser: Browser): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.baseUrl, locale: 'en-US' });
    return context.newPage();
  }

  test('the setup page creates the owner with demo data and lands on the board; sign out; sign in again', async ({
    browser
  }) => {
    const page = await freshPage(browser);
    await page.goto('/');
    await expect(page).toHaveURL(/\/setup$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up Runboard');

    // Problems show under their fields; nothing is created.
    await page.getByLabel('Your name').fill(OWNER.name);
    await page.getByLabel('Email').fill('not an email');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Repeat the password').fill('different');
    await page.getByLabel('Workspace name').fill('Platform Team');
    await page.getByTestId('setup-submit').click();
    await expect(page.getByTestId('setup-email-error')).toHaveText(
      'Enter an email address such as name@example.com.'
    );
    await expect(page.getByTestId('setup-password-error')).toHaveText(
      'Use at least 10 characters.'
    );
    await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    // What was typed stays (except nothing is lost by a refused submit).
    await expect(page.getByLabel('Workspace name')).toHaveValue('Platform Team');

    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill('not the same passphrase');
    await page.getByTestId('setup-submit').click();
    await expect(page.getByTestId('setup-confirm-password-error')).toHaveText(
      'The two passwords differ.'
    );

    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByLabel('Repeat the password').fill(OWNER.password);
    await page.getByTestId('setup-demo').check();
    await page.getByTestId('setup-submit').click();

    // Lands on the new workspace's board, filled with the demo tasks, signed in.
    await expect(page).toHaveURL(/\/w\/platform-team\/board$/);
    await expectSynced(page);
    await expect(page.getByTestId('task-card')).toHaveCount(DEMO_TASK_COUNT);
    await expect(
      page.getByTestId('task-kind').filter({ hasText: 'Incident' }).first()
    ).toBeVisible();
    // Some demo tasks are the owner's, some nobody's yet.
    const assignees = page.getByTestId('task-assignee');
    await expect(assignees.filter({ hasText: 'Unassigned' }).first()).toBeVisible();
    await expect(assignees.filter({ hasNotText: 'Unassigned' }).first()).toBeVisible();
    // The runbook library has the demo runbooks, in the language of the setup page.
    await page.goto('/w/platform-team/runbooks');
    await expect(page.getByTestId('runbook-row')).toHaveCount(DEMO_RUNBOOKS.length);
    await expect(page.getByTestId('runbook-list')).toContainText('Rotate TLS certificates');
    await page.getByTestId('user-menu').locator('summary').click();
    await expect(page.getByTestId('user-menu-name')).toHaveText(OWNER.name);

    // The setup page is gone for good.
    const again = await page.request.get('/setup', { maxRedirects: 0 });
    expect(again.status()).toBe(303);

    // Sign out from the user menu.
    await page.getByTestId('sign-out').click();
    await expect(page).toHaveURL(/\/login\?signedOut=1$/);
    await expect(page.getByTestId('signed-out')).toBeVisible();

    // The board now asks to sign in first, and comes back after.
    await page.goto('/w/platform-team/board');
    await expect(page).toHaveURL(/\/login\?next=%2Fw%2Fplatform-team%2Fboard$/);
    await signInWithForm(page, OWNER.email, 'not the passphrase');
    await expect(page.getByTestId('login-error')).toHaveText('Wrong email or password.');
    await expect(page.getByLabel('Email')).toHaveValue(OWNER.email);
    await signInWithForm(page, OWNER.email, OWNER.password);
    await expect(page).toHaveURL(/\/w\/platform-team\/board$/);
    await expectSynced(page);
    await expect(page.getByTestId('task-card')).toHaveCount(DEMO_TASK_COUNT);

    // `/` opens the last workspace.
    await page.goto('/');
    await expect(page).toHaveURL(/\/w\/platform-team\/board$/);
    await page.context().close();
  });

  test('the account page changes the name, shows a new token once and revokes it', async ({
    browser
  }) => {
    const page = await freshPage(browser);
    await page.goto('/account');
    await expect(page).toHaveURL(/\/login\?next=%2Faccount$/);
    await signInWithForm(page, OWNER.email, OWNER.password);
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Account settings');

    // This device is listed and marked.
    const current = page.locator('[data-testid="session-row"][data-current="true"]');
    await expect(current).toContainText('This device');
    await expect(current).toContainText(/Chrome on (Windows|Linux|macOS)/);

    await page.locator('#profile-name').fill('Ana K.');
    await page.getByTestId('profile-save').click();
    await expect(page.getByText('Name saved.')).toBeVisible();
    await page.getByTestId('user-menu').locator('summary').click();
    await expect(page.getByTestId('user-menu-name')).toHaveText('Ana K.');
    await page.keyboard.press('Escape');

    await page.locator('#token-name').fill('nightly');
    await page.getByTestId('token-create').click();
    const shown = page.getByTestId('token-value');
    await expect(shown).toHaveValue(/^rbt_[a-z2-9]{20}\.[a-z2-9]{52}$/);
    const token = await shown.inputValue();
    await expect(page.getByTestId('token-row')).toHaveCount(1);
    await expect(page.getByTestId('token-row')).toContainText('nightly');
    await expect(page.getByTestId('token-row')).toContainText('Never used');

    // The token works over REST…
    const api = await page.request.get('/api/v1/auth/me', {
      headers: { authorization: `Bearer ${token}` }
    });
    expect(((await api.json()) as { authenticatedBy: string }).authenticatedBy).toBe('token');

    // …and is never shown again.
    await page.reload();
    await expect(page.getByTestId('token-value')).toHaveCount(0);
    expect(await page.content()).not.toContain(token);

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('token-revoke').click();
    await expect(page.getByText('Token revoked.')).toBeVisible();
    await expect(page.getByTestId('token-row')).toHaveCount(0);
    const refused = await page.request.get('/api/v1/auth/me', {
      headers: { authorization: `Bearer ${token}` }
    });
    expect(refused.status()).toBe(401);
    await page.context().close();
  });
});

test.describe('shared e2e server', () => {
  test('owner and member of `e2e` are signed in and see the same board', async ({ browser }) => {
    const { owner, member, workspaceId } = e2eAccounts();
    const ownerContext = await browser.newContext(signedIn(owner));
    const memberContext = await browser.newContext();
    const ownerPage = await ownerContext.newPage();
    const memberPage = await memberContext.newPage();
    await signIn(memberPage, member);
    try {
      // `/` opens the workspace the user opened last (other specs give the owner more
      // workspaces, so which one comes first in the list is not this test's business).
      await ownerPage.goto(`/w/${workspaceId}/board`);
      await expect(ownerPage.getByTestId('board-toolbar')).toBeVisible();
      await ownerPage.goto('/');
      await expect(ownerPage).toHaveURL(new RegExp(`/w/${workspaceId}/board$`));
      await memberPage.goto(`/w/${workspaceId}/board`);
      await expectSynced(ownerPage);
      await expectSynced(memberPage);
      await memberPage.getByTestId('user-menu').locator('summary').click();
      await expect(memberPage.getByTestId('user-menu-name')).toHaveText(member.name);
    } finally {
      await ownerContext.close();
      await memberContext.close();
    }
  });

  test('newWorkspace() makes a workspace both users can open', async ({ browser }) => {
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('pair');
    for (const user of [owner, member]) {
      const context = await browser.newContext(signedIn(user));
      const page = await context.newPage();
      await page.goto(`/w/${ws}/board`);
      await expectSynced(page);
      await context.close();
    }
  });

  test('anonymous visitors are sent to sign in', async ({ page }) => {
    await page.goto('/w/e2e/board');
    await expect(page).toHaveURL(/\/login\?next=%2Fw%2Fe2e%2Fboard$/);
    await expect(page.getByTestId('login-form')).toBeVisible();
  });

  test('"Forgot your password?" says who can reset it, in English and Chinese', async ({
    browser
  }) => {
    for (const [locale, summary, who] of [
      ['en-US', 'Forgot your password?', 'Ask an owner or admin of your workspace'],
      ['zh-CN', '忘记密码？', '请联系工作区的所有者或管理员']
    ] as const) {
      const context = await browser.newContext({ locale });
      const page = await context.newPage();
      await page.goto('/login');
      const forgot = page.getByTestId('login-forgot');
      await expect(forgot.getByText(who)).toBeHidden();
      await forgot.getByText(summary).click();
      await expect(forgot.getByText(who)).toBeVisible();
      await expect(forgot.locator('code')).toHaveText(
        'npm run admin -- reset-password --email you@example.com'
      );
      await context.close();
    }
  });
});
