/**
 * Questions (`/w/<ws>/ask`, docs/ai-ask.md) in real Chromium against the production build, in
 * Chinese and in English: from the workspace's navigation, a question becomes filter chips
 * (priority, type), the results are the matching items with their deep links; changing a chip
 * runs the edited query and the results change; removing one does too. Each test makes its own
 * workspace with tasks and incidents made through the REST API.
 */
import { expect, test, type BrowserContext } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

const contexts: BrowserContext[] = [];

test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

const TEXT = {
  'zh-CN': {
    nav: '提问',
    question: '高优先级的告警',
    priority: '高及以上',
    low: '低及以上',
    one: '1 条结果',
    two: '2 条结果',
    three: '3 条结果',
    kind: '事件'
  },
  en: {
    nav: 'Ask',
    question: 'high priority incidents',
    priority: 'High or above',
    low: 'Low or above',
    one: '1 result',
    two: '2 results',
    three: '3 results',
    kind: 'Incident'
  }
} as const;

for (const locale of ['zh-CN', 'en'] as const) {
  test(`[${locale}] a question becomes editable filters; editing a chip changes the results`, async ({
    browser
  }) => {
    const text = TEXT[locale];
    const ws = await newWorkspace(`ask-${locale === 'en' ? 'en' : 'zh'}`, { member: null });
    const api = await apiAs(e2eAccounts().owner);
    const created: Record<string, string> = {};
    for (const [name, body] of Object.entries({
      replication: { title: 'MySQL 主从延迟', kind: 'incident', priority: 'high' },
      disk: { title: 'Disk full on web-01', kind: 'incident', priority: 'low' },
      cert: { title: 'Rotate the TLS certificate', kind: 'task', priority: 'high' }
    })) {
      const response = await api.post(`/api/v1/workspaces/${ws}/tasks`, { data: body });
      expect(response.status()).toBe(201);
      created[name] = ((await response.json()) as { id: string }).id;
    }
    await api.dispose();

    const context = await browser.newContext({ ...signedIn(e2eAccounts().owner), locale: 'en-US' });
    if (locale === 'zh-CN') {
      await context.addCookies([{ name: 'locale', value: 'zh-CN', url: e2eAccounts().baseURL }]);
    }
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`/w/${ws}/board`);
    await expect(page.getByTestId('nav-ask')).toHaveText(text.nav);
    await page.getByTestId('nav-ask').click();
    await expect(page.getByTestId('ask-page')).toBeVisible();

    await page.getByTestId('ask-input').fill(text.question);
    await page.getByTestId('ask-submit').click();
    const priority = page.getByTestId('ask-chip-priority').locator('select');
    await expect(priority.locator('option:checked')).toHaveText(text.priority);
    await expect(page.getByTestId('ask-chip-kind').locator('option:checked')).toHaveText(text.kind);
    await expect(page.getByTestId('ask-count')).toHaveText(text.one);
    const first = page.getByTestId('ask-result');
    await expect(first).toHaveCount(1);
    await expect(first).toHaveAttribute('data-id', created['replication']!);
    await expect(first).toHaveAttribute('href', new RegExp(`^/w/${ws}/incidents/`));
    // The question stays in the address, so the answer is a link.
    await expect(page).toHaveURL(/[?&]q=/);

    // Lower the priority floor: the low-priority incident joins.
    await priority.selectOption({ label: text.low });
    await expect(page.getByTestId('ask-count')).toHaveText(text.two);
    await expect(page.getByTestId('ask-result')).toHaveCount(2);

    // Remove the type: the high-priority task joins too.
    await page.getByTestId('ask-chip-kind').getByRole('button').click();
    await expect(page.getByTestId('ask-chip-kind')).toHaveCount(0);
    await expect(page.getByTestId('ask-count')).toHaveText(text.three);

    // A result opens its page.
    await page.locator(`[data-testid="ask-result"][data-id="${created['cert']}"]`).click();
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/tasks/`));
  });
}
