/**
 * The reports page in real Chromium against the production build, in English and in Chinese,
 * over data made through the API the way it happens: an incident opened by a recorded
 * Alertmanager delivery to the alert hook, acknowledged and resolved; two changes completed,
 * one marked as the incident's cause; two tasks started and moved to done. Then, per language:
 * the headline figures shown are the API's for the same range, clicking the incidents bar
 * opens the drill-down listing that incident (linked to its page), the CSV download holds the
 * figures, and print emulation hides the app bar, the workspace tabs and the filters.
 * With RUNBOARD_SCREENSHOTS=1 it also writes docs/screenshots/reports-en-{light,dark}.png.
 */
import { readFileSync } from 'node:fs';
import {
  expect,
  test,
  type APIResponse,
  type Browser,
  type BrowserContext,
  type Page
} from '@playwright/test';
import { resolveRange, viewFromQuery } from '../../src/lib/reports/report-range';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

test.describe.configure({ mode: 'serial' });
test.setTimeout(90_000);

const FIRING = readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8');

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

let ws = '';
let incident = { id: '', key: '' };

type Json = Record<string, unknown>;

/** Seeds the workspace through the REST API (see the module comment). */
async function seed(): Promise<void> {
  ws = await newWorkspace('reports');
  const api = await apiAs(e2eAccounts().owner);
  const base = `/api/v1/workspaces/${ws}`;
  const ok = async (reply: Promise<APIResponse>, status = 200) => {
    const got = await reply;
    expect(got.status(), await got.text()).toBe(status);
    return (await got.json().catch(() => ({}))) as Json;
  };
  try {
    const integration = await ok(
      api.post(`${base}/integrations`, { data: { type: 'alertmanager', name: 'prod' } }),
      201
    );
    const delivered = await fetch(`${e2eAccounts().baseURL}${integration['hookPath'] as string}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${integration['secret'] as string}`
      },
      body: FIRING
    });
    expect(delivered.status).toBe(200);
    const { opened } = (await delivered.json()) as { opened: string[] };
    const got = await ok(api.get(`${base}/incidents/${opened[0]}`));
    incident = { id: got['id'] as string, key: got['key'] as string };
    await ok(api.post(`${base}/incidents/${incident.id}/acknowledge`, { data: {} }));
    await ok(api.post(`${base}/incidents/${incident.id}/resolve`, { data: {} }));

    const window = {
      windowStart: new Date(Date.now() + 60_000).toISOString(),
      windowEnd: new Date(Date.now() + 3_660_000).toISOString()
    };
    const changeIds: string[] = [];
    for (const title of ['Upgrade MySQL', 'Rotate TLS certificates']) {
      const change = await ok(
        api.post(`${base}/changes`, { data: { title, type: 'emergency', ...window } }),
        201
      );
      changeIds.push(change['id'] as string);
      for (const to of ['submitted', 'in_progress', 'completed']) {
        await ok(
          api.post(`${base}/changes/${change['id'] as string}/transitions`, { data: { to } })
        );
      }
    }
    await ok(
      api.post(`${base}/incidents/${incident.id}/cause`, { data: { changeId: changeIds[0] } }),
      201
    );

    const columns = (await ok(api.get(`${base}/columns`))) as unknown as {
      id: string;
      category: string;
    }[];
    const column = (category: string) => columns.find((c) => c.category === category)!.id;
    for (const title of ['Patch the VPN gateway', 'Renew the on-call rota']) {
      const task = await ok(api.post(`${base}/tasks`, { data: { title } }), 201);
      for (const category of ['in_progress', 'done']) {
        await ok(
          api.patch(`${base}/tasks/${task['id'] as string}`, { data: { status: column(category) } })
        );
      }
    }
    // The card mirror follows the board document: wait until the report sees both tasks.
    await expect
      .poll(async () => (await apiReport('en'))['throughput'], { timeout: 15_000 })
      .toBe(2);
  } finally {
    await api.dispose();
  }
}

/** The range the page shows for `?range=7d` in the browser's zone (UTC here). */
function range() {
  return resolveRange(viewFromQuery(new URLSearchParams('range=7d')), Date.now(), 'UTC');
}

/** The API's report for the page's range, as the page asks for it. */
async function apiReport(locale: 'en' | 'zh-CN'): Promise<Json> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const { from, to } = range();
    const params = new URLSearchParams({ from, to, timeZone: 'UTC', locale });
    const reply = await api.get(`/api/v1/workspaces/${ws}/reports/kpis?${params}`);
    expect(reply.status(), await reply.text()).toBe(200);
    return (await reply.json()) as Json;
  } finally {
    await api.dispose();
  }
}

async function openReports(browser: Browser, locale: 'en' | 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({
    ...signedIn(),
    locale: locale === 'zh-CN' ? 'zh-CN' : 'en-US',
    timezoneId: 'UTC',
    acceptDownloads: true
  });
  await context.addCookies([{ name: 'locale', value: locale, url: e2eAccounts().baseURL }]);
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`/w/${ws}/reports?range=7d`);
  await expect(page.getByTestId('headlines')).toBeVisible({ timeout: 15_000 });
  return page;
}

/** Clicks the tallest bar drawn in `colorVar` in chart `chartId`. */
async function clickBar(page: Page, chartId: string, colorVar: string): Promise<void> {
  const chart = page.getByTestId(`chart-${chartId}`).getByTestId('report-chart-canvas');
  await expect(chart.locator('svg path').first()).toBeAttached();
  // Mouse clicks land only inside the viewport.
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.evaluate((element, name) => {
    const probe = document.createElement('span');
    probe.style.color = `var(--${name})`;
    element.append(probe);
    const wanted = getComputedStyle(probe).color;
    probe.remove();
    const norm = (value: string) => {
      probe.style.color = value;
      element.append(probe);
      const color = getComputedStyle(probe).color;
      probe.remove();
      return color;
    };
    const legendBottom = element.getBoundingClientRect().top + 30;
    let best: DOMRect | null = null;
    for (const path of element.querySelectorAll('svg path')) {
      const fill = path.getAttribute('fill');
      if (fill === null || fill === 'none' || norm(fill) !== wanted) continue;
      const rect = path.getBoundingClientRect();
      if (rect.top < legendBottom) continue;
      if (best === null || rect.height > best.height) best = rect;
    }
    return best === null ? null : { x: best.x + best.width / 2, y: best.y + best.height / 2 };
  }, colorVar);
  expect(box, `a ${colorVar} bar in chart ${chartId}`).not.toBeNull();
  await page.mouse.click(box!.x, box!.y);
}

test('seed the workspace through the API', async () => {
  await seed();
});

for (const locale of ['en', 'zh-CN'] as const) {
  test(`the reports page in ${locale}: figures, drill-down, CSV and print`, async ({ browser }) => {
    const page = await openReports(browser, locale);
    const report = await apiReport(locale);
    const figures = report['figures'] as Record<string, Json>;

    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      locale === 'en' ? 'Reports' : '报表'
    );
    await expect(page.getByTestId('nav-reports')).toHaveAttribute('aria-current', 'page');

    // Headline figures: the values behind the cards are the API's.
    const value = (id: string) => page.getByTestId(`headline-${id}`).getByTestId('headline-value');
    await expect(value('incidents')).toHaveAttribute('data-value', String(report['incidents']));
    await expect(value('incidents')).toHaveText('1');
    await expect(value('throughput')).toHaveText('2');
    await expect(value('mtta')).toHaveAttribute('data-value', String(report['mttaSeconds']));
    await expect(value('mttr')).toHaveAttribute('data-value', String(report['mttrSeconds']));
    await expect(value('change_failure_rate')).toHaveAttribute(
      'data-value',
      String(figures['changeFailureRate']!['value'])
    );
    await expect(value('change_failure_rate')).toHaveText('50%');
    await expect(value('change_success_rate')).toHaveText('100%');
    // Incidents went from 0 to 1: worse than the previous period.
    await expect(page.getByTestId('headline-incidents')).toHaveAttribute('data-verdict', 'worse');
    await expect(page.getByTestId('headline-throughput')).toHaveAttribute('data-verdict', 'better');

    // The help shows the definition the API gives, in the UI language.
    await page.getByTestId('headline-mttr').getByTestId('headline-help').click();
    const definition = (figures['mttr']!['definition'] as { text: string }).text;
    await expect(page.getByTestId('headline-mttr').getByTestId('headline-definition')).toHaveText(
      definition
    );
    expect(definition).toContain(locale === 'en' ? 'Time to resolve' : '解决耗时');
    await page.keyboard.press('Escape');

    // The charts are drawn; a click on the incidents bar lists that incident.
    await expect
      .poll(() =>
        page.evaluate(() => performance.getEntriesByName('reports:charts-rendered').length)
      )
      .toBeGreaterThan(0);
    await clickBar(page, 'incidents', 'danger');
    const panel = page.getByTestId('drill-panel');
    await expect(panel).toBeVisible();
    await expect(panel).toHaveAttribute('data-figure', 'incidents');
    const items = panel.getByTestId('drill-item');
    await expect(items).toHaveCount(1);
    await expect(items.first()).toHaveAttribute('data-item-id', incident.id);
    await expect(items.first()).toHaveAttribute('href', `/w/${ws}/incidents/${incident.key}`);
    await expect(items.first()).toContainText('DiskFull');
    await page.getByTestId('drill-close').click();
    await expect(panel).toBeHidden();
    // By group: the MTTR bar of severity critical lists the same incident.
    await clickBar(page, 'groups', 'accent');
    await expect(panel).toHaveAttribute('data-figure', 'mttr');
    await expect(items).toHaveCount(1);
    await expect(items.first()).toHaveAttribute('data-item-id', incident.id);
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();

    // CSV: BOM, English ids whatever the language, the figures of the range.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('report-csv').click()
    ]);
    const { fromDay, toDay } = range();
    expect(download.suggestedFilename()).toBe(`runboard-report-${ws}-${fromDay}-${toDay}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe('kind,figure,group,start,end,value,unit,previous_value');
    const total = (id: string) => lines.find((line) => line.startsWith(`total,${id},`))?.split(',');
    expect(total('incidents')?.[5]).toBe('1');
    expect(total('throughput')?.[5]).toBe('2');
    expect(total('change_failure_rate')?.[5]).toBe('0.5');
    expect(Number(total('mtta')?.[5])).toBe(report['mttaSeconds']);

    // Print: the report without the app's chrome.
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('header.top-bar')).toBeHidden();
    await expect(page.getByTestId('workspace-nav')).toBeHidden();
    await expect(page.getByTestId('report-filters')).toBeHidden();
    await expect(page.getByTestId('report-print')).toBeHidden();
    await expect(page.getByTestId('headlines')).toBeVisible();
    await expect(page.getByTestId('chart-incidents').locator('.definitions')).toBeVisible();
    await page.emulateMedia({ media: 'screen' });
    await expect(page.getByTestId('report-filters')).toBeVisible();

    // Docs screenshots (light and dark) from the English page: this machine has no CJK font,
    // so a Chinese screenshot would show empty boxes.
    if (process.env.RUNBOARD_SCREENSHOTS && locale === 'en') {
      await page.setViewportSize({ width: 1280, height: 1400 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        // The charts redraw in the scheme's colours on the media change, within a frame or two.
        await page.evaluate(
          () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
        );
        await page.screenshot({
          path: `docs/screenshots/reports-en-${scheme}.png`,
          fullPage: true
        });
      }
    }
  });
}

test('a range with no data shows the empty state, filters go into the URL, a phone fits', async ({
  browser
}) => {
  const context = await browser.newContext({ ...signedIn(), timezoneId: 'UTC' });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`/w/${ws}/reports?from=2025-01-01&to=2025-01-31`);
  await expect(page.getByTestId('report-empty')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('range-custom')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('filter-severity').selectOption('critical');
  await page.getByTestId('filters-apply').click();
  await expect(page).toHaveURL(/severity=critical/);
  await expect(page).toHaveURL(/from=2025-01-01&to=2025-01-31/);
  await page.getByTestId('range-90d').click();
  await expect(page).toHaveURL(/range=90d&severity=critical/);
  await expect(page.getByTestId('headlines')).toBeVisible();

  // A phone: the page fits the width (nothing scrolls sideways but the workspace tabs).
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId('headlines')).toBeVisible();
  await expect
    .poll(() =>
      page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth
      )
    )
    .toBeLessThanOrEqual(0);
  // The figures the severity filter cannot narrow are named, by their names.
  await expect(page.getByTestId('report-unfiltered')).toContainText('Throughput');
  await expect(page.getByTestId('report-unfiltered')).not.toContainText('dora.');
});

test('a direct open uses the report the server started; a navigation in the app asks the API itself', async ({
  browser
}) => {
  const context = await browser.newContext({ ...signedIn(), timezoneId: 'UTC' });
  contexts.push(context);
  const page = await context.newPage();
  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/reports/kpis')) asked.push(request.url());
  });
  await page.goto(`/w/${ws}/reports?range=7d`);
  await expect(page.getByTestId('headlines')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('reports-page')).toHaveAttribute('data-state', 'ready');
  expect(asked, 'the direct open used the server-started report').toEqual([]);

  // Away and back inside the app: the data request of the reports page computes nothing
  // (+page.server.ts, isDataRequest), and the page fetches the report over REST.
  await page.getByTestId('nav-board').click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/board`));
  const data = page.waitForResponse(
    (response) => response.url().includes('/reports/__data.json') && response.ok()
  );
  await page.getByTestId('nav-reports').click();
  const body = await (await data).text();
  expect(body).not.toContain('mttaSeconds');
  await expect(page.getByTestId('headlines')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('reports-page')).toHaveAttribute('data-state', 'ready');
  expect(asked.length, 'the page asked the API for the report').toBe(1);
});
