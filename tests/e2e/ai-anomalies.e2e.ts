/**
 * Anomalies on the reports page (docs/ai.md, "Anomalies") in real Chromium against the
 * production build, in English and in Chinese. History is imported the way a team brings it
 * (runboard-json): five weeks of one `ops` task a day at this hour, finished half an hour later,
 * then ten `ops` tasks created in this hour. The flow chart shows the burst as a marked band
 * with its text, and the Anomalies list names it, in each language.
 */
import {
  expect,
  test,
  type APIResponse,
  type Browser,
  type BrowserContext
} from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

const DAY = 86_400_000;

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

let ws = '';

test.beforeAll(async () => {
  ws = await newWorkspace('anomalies');
  const api = await apiAs(e2eAccounts().owner);
  const base = `/api/v1/workspaces/${ws}`;
  const ok = async (reply: Promise<APIResponse>, status = 200) => {
    const got = await reply;
    expect(got.status(), await got.text()).toBe(status);
    return (await got.json().catch(() => ({}))) as unknown;
  };
  try {
    const now = Date.now() - 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const items = [
      ...Array.from({ length: 35 }, (_, i) => {
        const at = now - (i + 1) * DAY;
        return {
          title: `Daily ops check ${i + 1}`,
          status: 'done',
          labels: ['ops'],
          createdAt: iso(at),
          startedAt: iso(at + 60_000),
          doneAt: iso(at + 1_800_000)
        };
      }),
      ...Array.from({ length: 10 }, (_, i) => ({
        title: `Disk alarm follow-up ${i + 1}`,
        status: 'todo',
        labels: ['ops'],
        createdAt: iso(now - i * 1000)
      }))
    ];
    await ok(
      api.post(`${base}/import?format=runboard-json`, {
        data: JSON.stringify(items),
        headers: { 'content-type': 'application/json' }
      }),
      201
    );
    // The card mirror follows the board document: wait until the API sees the burst.
    const from = iso(Date.now() - 7 * DAY);
    const to = iso(Date.now() + 3_600_000);
    await expect
      .poll(
        async () =>
          (
            (await ok(api.get(`${base}/ai/anomalies?from=${from}&to=${to}&series=tasks`))) as {
              group: string;
            }[]
          ).map((e) => e.group),
        { timeout: 20_000 }
      )
      .toEqual(['ops']);
  } finally {
    await api.dispose();
  }
});

async function openReports(browser: Browser, locale: 'en' | 'zh-CN') {
  const context = await browser.newContext({
    ...signedIn(),
    locale: locale === 'zh-CN' ? 'zh-CN' : 'en-US',
    timezoneId: 'UTC'
  });
  await context.addCookies([{ name: 'locale', value: locale, url: e2eAccounts().baseURL }]);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`/w/${ws}/reports?range=7d`);
  await expect(page.getByTestId('headlines')).toBeVisible({ timeout: 60_000 });
  return page;
}

const TEXT = {
  en: 'tasks created for ops: 10 vs expected 1',
  'zh-CN': 'ops 的新建任务：10，预期 1'
} as const;

for (const locale of ['en', 'zh-CN'] as const) {
  test(`anomaly band and list on the reports page in ${locale}`, async ({ browser }) => {
    const page = await openReports(browser, locale);
    const list = page.getByTestId('report-anomalies');
    await expect(list).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
    await expect(list.getByRole('heading')).toHaveText(locale === 'en' ? 'Anomalies' : '异常');
    const item = list.getByTestId('anomaly-item');
    await expect(item).toHaveCount(1);
    await expect(item).toContainText(TEXT[locale]);
    // The band: a marked area on the flow chart, labelled with the same text.
    const chart = page.getByTestId('chart-flow').getByTestId('report-chart-canvas');
    await expect(chart.locator('svg text', { hasText: TEXT[locale] })).toHaveCount(1, {
      timeout: 15_000
    });
    // No band on the alerts chart: nothing unusual there.
    await expect(
      page.getByTestId('chart-incidents').locator('svg text', { hasText: 'ops' })
    ).toHaveCount(0);
  });
}
