/**
 * Invite links end to end in real Chromium: the owner creates a link in the workspace settings;
 * a new person, in a second browser context, opens it, creates an account on the spot and lands
 * on the board; the owner demotes them to viewer and their open board's connection is closed at
 * once and comes back read-only.
 */
import { expect, test, type Page, type WebSocket } from '@playwright/test';
import { newWorkspace, signedIn } from './fixtures';

async function expectSynced(page: Page): Promise<void> {
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout: 10_000 });
}

async function addTask(page: Page, title: string): Promise<void> {
  await page.getByTestId('new-task-title').fill(title);
  await page.getByTestId('new-task-submit').click();
}

function card(page: Page, title: string) {
  return page.getByTestId('task-card').filter({ hasText: title });
}

/** Records every state the page's sync badge shows from now on (even for a moment). */
async function recordBadgeStates(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const badge = document.querySelector('[data-testid="sync-badge"]');
    const seen: string[] = [];
    (window as unknown as { badgeStates: string[] }).badgeStates = seen;
    if (!badge) return;
    new MutationObserver(() => seen.push(badge.getAttribute('data-state') ?? '')).observe(badge, {
      attributes: true,
      attributeFilter: ['data-state']
    });
  });
  return () => page.evaluate(() => (window as unknown as { badgeStates: string[] }).badgeStates);
}

test('an invite link brings a new person in; demoting them closes their live board at once', async ({
  browser
}) => {
  const ws = await newWorkspace('invite');
  const owner = await browser.newContext({
    ...signedIn(),
    locale: 'en-US',
    permissions: ['clipboard-read', 'clipboard-write']
  });
  const guest = await browser.newContext({ locale: 'en-US' });
  try {
    // The owner makes a member link in the settings and copies it.
    const settings = await owner.newPage();
    await settings.goto(`/w/${ws}/settings`);
    await expect(settings.getByTestId('settings-role')).toHaveText('Your role: Owner');
    await settings.getByTestId('invite-role').selectOption('member');
    await settings.getByTestId('invite-expiry').selectOption('24');
    await settings.getByTestId('invite-create').click();
    const linkField = settings.getByTestId('invite-link');
    await expect(linkField).toHaveValue(/\/invite\/[a-z2-9]{20}\.[a-z2-9]{52}$/);
    const link = await linkField.inputValue();
    await settings.getByTestId('invite-copy').click();
    await expect(settings.getByTestId('invite-copy')).toHaveText('Copied');
    expect(await settings.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await expect(
      settings.getByTestId('invite-row').filter({ hasText: 'Member' }).first()
    ).toHaveAttribute('data-status', 'active');

    // The owner watches the board.
    const ownerBoard = await owner.newPage();
    await ownerBoard.goto(`/w/${ws}/board`);
    await expectSynced(ownerBoard);

    // The guest opens the link, creates an account there and lands on the board.
    const page = await guest.newPage();
    const sockets: WebSocket[] = [];
    page.on('websocket', (socket) => {
      if (socket.url().includes(`/sync/${ws}.board`)) sockets.push(socket);
    });
    await page.goto(link);
    // Typed into before hydration, a server-rendered field can be reset by it.
    await page.locator('html[data-hydrated]').waitFor();
    await expect(page.getByTestId('invite-workspace')).toContainText('Join invite-');
    await expect(page.getByTestId('invite-role')).toHaveText('Member');
    const email = `guest-${Date.now().toString(36)}@example.test`;
    await page.getByTestId('signup-name').fill('Gina Guest');
    await page.getByTestId('signup-email').fill(email);
    await page.getByTestId('signup-password').fill('a perfectly long passphrase');
    await page.getByTestId('signup-submit').click();
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/board$`));
    await expectSynced(page);
    await expect(page.getByTestId('workspace-switcher-role')).toHaveText('Member');

    // As a member their edits reach the owner.
    await addTask(page, 'Written by the guest as member');
    await expect(card(ownerBoard, 'Written by the guest as member')).toBeVisible();

    // The owner demotes them to viewer.
    const states = await recordBadgeStates(page);
    const before = sockets.length;
    await settings.reload();
    const row = settings.getByTestId('member-row').filter({ hasText: email });
    await expect(row).toHaveAttribute('data-role', 'member');
    await row.getByTestId('member-role').selectOption('viewer');
    await expect(row).toHaveAttribute('data-role', 'viewer');

    // Their live connection closes at once; the badge drops and comes back on a new socket.
    await expect.poll(() => sockets[before - 1]?.isClosed(), { timeout: 2_000 }).toBe(true);
    await expect.poll(() => sockets.length, { timeout: 5_000 }).toBeGreaterThan(before);
    await expectSynced(page);
    expect(await states()).toContain('offline');

    // Read-only now: their edit stays on their page, while the owner's still arrive.
    await addTask(page, 'Written by the guest as viewer');
    await expect(card(page, 'Written by the guest as viewer')).toBeVisible();
    await addTask(ownerBoard, 'Written by the owner afterwards');
    await expect(card(page, 'Written by the owner afterwards')).toBeVisible();
    await ownerBoard.waitForTimeout(1_000);
    await expect(card(ownerBoard, 'Written by the guest as viewer')).toHaveCount(0);
  } finally {
    await owner.close();
    await guest.close();
  }
});
