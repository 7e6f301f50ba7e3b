/**
 * The API reference at /api/docs: how to authenticate comes first, in the UI language, and the
 * account page's tokens section leads there.
 */
import { expect, test } from '@playwright/test';
import { signedIn } from './fixtures';

test('the tokens section links to the API reference, which starts with how to authenticate', async ({
  browser
}) => {
  const context = await browser.newContext(signedIn());
  const page = await context.newPage();
  await page.goto('/account');
  await page.getByTestId('tokens-docs-link').click();
  await expect(page).toHaveURL(/\/api\/docs$/);
  const guide = page.getByTestId('api-docs-guide');
  await expect(guide.getByRole('heading', { name: 'Authentication' })).toBeVisible();
  await expect(guide).toContainText('Authorization: Bearer rbt_…');
  await expect(guide).toContainText('npm run -s admin -- create-token');
  await expect(guide).toContainText('X-Total-Count');
  await expect(page.getByTestId('api-docs-token-link')).toHaveAttribute('href', '/account#tokens');
  // English needs no note that the reference is English.
  await expect(page.getByTestId('api-docs-language-note')).toHaveCount(0);
  await context.close();
});

test('in Chinese, the guide and operation names are translated and the page says what is not', async ({
  browser,
  baseURL
}) => {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'locale', value: 'zh-CN', url: baseURL ?? '' }]);
  const page = await context.newPage();
  await page.goto('/api/docs');
  const guide = page.getByTestId('api-docs-guide');
  await expect(guide.getByRole('heading', { name: '身份验证' })).toBeVisible();
  await expect(guide.getByRole('heading', { name: '列表与分页' })).toBeVisible();
  await expect(page.getByTestId('api-docs-language-note')).toContainText('英文');
  await expect(page.locator('#op-createTask h3')).toHaveText('创建任务');
  await context.close();
});
