/**
 * A refused change shows the message of its error code in the UI language, not the server's
 * English text: the settings page acts on a member whom someone else has just removed, and the
 * server answers 404 `not_found`.
 */
import { expect, test } from '@playwright/test';
import { en } from '../../src/lib/i18n/messages/en';
import { zhCN } from '../../src/lib/i18n/messages/zh-CN';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

for (const [locale, messages] of [
  ['zh-CN', zhCN],
  ['en-US', en]
] as const) {
  test(`a refused role change reads in ${locale}`, async ({ browser }) => {
    const ws = await newWorkspace('errors');
    const { owner, member } = e2eAccounts();
    const context = await browser.newContext({ ...signedIn(owner), locale });
    try {
      const page = await context.newPage();
      await page.goto(`/w/${ws}/settings`);
      const row = page.locator(`[data-testid="member-row"][data-user-id="${member.id}"]`);
      const select = row.getByTestId('member-role');
      await expect(select).toBeEnabled();

      // Someone else removes the member; this page still shows them.
      const api = await apiAs(owner);
      try {
        const removed = await api.delete(`/api/v1/workspaces/${ws}/members/${member.id}`);
        expect(removed.status()).toBe(204);
      } finally {
        await api.dispose();
      }

      await select.selectOption('viewer');
      const error = page.getByTestId('members-error');
      await expect(error).toHaveText(messages['error.not_found']);
      await expect(error).not.toContainText('not found');
    } finally {
      await context.close();
    }
  });
}
