/**
 * The audit log on the settings page in real Chromium: every entry reads as a sentence in the
 * UI language (English and Chinese), never as raw codes, and the action filter offers the API
 * token events.
 */
import { expect, test, type Browser } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

/** A workspace with a rename, a member who joined by invite, and an API token made and revoked. */
async function busyWorkspace(): Promise<string> {
  const ws = await newWorkspace('audit');
  const api = await apiAs(e2eAccounts().owner);
  try {
    const renamed = await api.patch(`/api/v1/workspaces/${ws}`, {
      data: { name: 'Platform Team' }
    });
    expect(renamed.status()).toBe(200);
    const ci = await api.post('/api/v1/tokens', { data: { name: 'ci', workspaceId: ws } });
    expect(ci.status()).toBe(201);
    const nightly = await api.post('/api/v1/tokens', {
      data: { name: 'nightly', workspaceId: ws, expiresAt: '2099-01-31T12:00:00.000Z' }
    });
    expect(nightly.status()).toBe(201);
    const { id } = (await nightly.json()) as { id: string };
    expect((await api.delete(`/api/v1/tokens/${id}`)).status()).toBe(204);
  } finally {
    await api.dispose();
  }
  return ws;
}

async function openAudit(browser: Browser, ws: string, locale: string) {
  const context = await browser.newContext({ ...signedIn(), locale, timezoneId: 'UTC' });
  const page = await context.newPage();
  await page.goto(`/w/${ws}/settings`);
  await expect(page.getByTestId('audit-table')).toBeVisible();
  return page;
}

test('audit entries read as sentences in English, and the filter finds token events', async ({
  browser
}) => {
  const ws = await busyWorkspace();
  const { owner, member } = e2eAccounts();
  const page = await openAudit(browser, ws, 'en-US');
  const sentences = page.getByTestId('audit-sentence');
  await expect(sentences).toContainText([
    `${owner.name} revoked the API token “nightly”`,
    `${owner.name} created the API token “nightly” (expires Jan 31, 2099)`,
    `${owner.name} created the API token “ci” (no expiry)`,
    /renamed the workspace from “audit-[a-z0-9-]+” to “Platform Team”$/,
    `${member.name} joined through an invite link as Member`,
    /created an invite link for the role Member \(single use, expires .+\)$/,
    /created the workspace “audit-[a-z0-9-]+”$/
  ]);
  // No raw codes anywhere in the log.
  for (const text of await sentences.allTextContents()) {
    expect(text).not.toMatch(/\b(token|member|invite|workspace)\.[a-z_]+\b|\bnull\b|\btrue\b/);
  }

  // The token events are in the filter, alone and as a group.
  const filter = page.getByTestId('audit-action');
  await expect(filter.locator('option', { hasText: 'API token created' })).toHaveCount(1);
  await filter.selectOption({ label: 'API tokens' });
  await page.getByTestId('audit-apply').click();
  await expect(page.getByTestId('audit-row')).toHaveCount(3);
  await expect(sentences).toContainText([
    `${owner.name} revoked the API token “nightly”`,
    /created the API token “nightly”/,
    /created the API token “ci”/
  ]);
  await filter.selectOption({ label: 'API token revoked' });
  await page.getByTestId('audit-apply').click();
  await expect(page.getByTestId('audit-row')).toHaveCount(1);
  await page.context().close();
});

test('audit entries read as sentences in Chinese', async ({ browser }) => {
  const ws = await busyWorkspace();
  const { owner, member } = e2eAccounts();
  const page = await openAudit(browser, ws, 'zh-CN');
  const sentences = page.getByTestId('audit-sentence');
  await expect(sentences).toContainText([
    `${owner.name} 撤销了 API 令牌「nightly」`,
    `${owner.name} 创建了 API 令牌「nightly」（2099年1月31日过期）`,
    `${owner.name} 创建了 API 令牌「ci」（永不过期）`,
    /将工作区「audit-[a-z0-9-]+」重命名为「Platform Team」$/,
    `${member.name} 通过邀请链接加入，角色为成员`,
    /创建了角色为成员的邀请链接（仅限一次，.+过期）$/,
    /创建了工作区「audit-[a-z0-9-]+」$/
  ]);
  await expect(
    page.getByTestId('audit-action').locator('option', { hasText: '创建 API 令牌' })
  ).toHaveCount(1);
  await page.context().close();
});
