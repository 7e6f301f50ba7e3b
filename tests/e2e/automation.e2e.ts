/**
 * Automation in real Chromium against the production build, in English and in Chinese: an admin
 * opens Automation from the workspace's navigation, defines a shell job with a parameter in the
 * job editor, runs it from the job's Run form with a value full of shell syntax, lands on the
 * run page and watches the output arrive while the run is still going (the first line shows
 * before the script has finished), coloured by its ANSI escapes, the value printed literally;
 * then the run ends as succeeded and the job's runs list links to it. Each test makes its own
 * workspace.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { e2eAccounts, newWorkspace, signedIn } from './fixtures';

const contexts: BrowserContext[] = [];

// A job is defined, run and watched to its end: more than the default 30 s on a busy machine.
test.describe.configure({ timeout: 60_000 });

test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function openPage(browser: Browser, locale: 'en' | 'zh-CN'): Promise<Page> {
  const context = await browser.newContext({ ...signedIn(e2eAccounts().owner), locale: 'en-US' });
  if (locale === 'zh-CN') {
    await context.addCookies([{ name: 'locale', value: 'zh-CN', url: e2eAccounts().baseURL }]);
  }
  contexts.push(context);
  return context.newPage();
}

// The script prints a line at once, waits, then a green line: the first must be on the page
// before the run ends. The value reaches it as RB_OPTION_GREETING and must print as typed.
const SCRIPT = [
  '#!/bin/sh',
  'set -eu',
  'echo "hello $RB_OPTION_GREETING"',
  'sleep 4',
  "printf '\\033[32mall done\\033[0m\\n'"
].join('\n');
const VALUE = 'ops; rm -rf / $(id) `id`';

const TEXT = {
  en: { nav: 'Automation', run: 'Run now', succeeded: 'Succeeded', empty: 'No jobs yet' },
  'zh-CN': { nav: '自动化', run: '立即运行', succeeded: '成功', empty: '还没有作业' }
} as const;

for (const locale of ['en', 'zh-CN'] as const) {
  test(`[${locale}] an admin defines a shell job with a parameter, runs it and watches its output live`, async ({
    browser
  }) => {
    const text = TEXT[locale];
    const ws = await newWorkspace(`automation-${locale}`, { member: null });
    const page = await openPage(browser, locale);

    // From the workspace's navigation to the empty Automation page.
    await page.goto(`/w/${ws}/board`);
    await expect(page.getByTestId('nav-automation')).toHaveText(text.nav);
    await page.getByTestId('nav-automation').click();
    await expect(page.getByTestId('automation-page')).toBeVisible();
    await expect(page.getByTestId('jobs-empty')).toContainText(text.empty);

    // The job editor: a shell script with one required string parameter.
    await page.getByTestId('job-new').click();
    const form = page.getByTestId('job-form');
    await expect(form).toBeVisible();
    await form.getByTestId('job-name').fill(`Greet ${locale}`);
    await form.getByTestId('job-kind-shell').check();
    await form.getByTestId('job-script').fill(SCRIPT);
    await form.getByTestId('parameter-add').click();
    const row = form.getByTestId('parameter-row');
    await row.getByTestId('parameter-name').fill('greeting');
    await row.getByTestId('parameter-type').selectOption('string');
    await row.getByTestId('parameter-label').fill('Greeting');
    await row.getByTestId('parameter-required').check();
    await expect(row).toContainText('$RB_OPTION_GREETING');
    await form.getByTestId('job-save').click();

    // The job's page, with its Run form built from the parameter.
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/automation/[A-Za-z0-9_-]+$`));
    await expect(page.getByTestId('job-title')).toHaveText(`Greet ${locale}`);
    await expect(page.getByTestId('runs-empty')).toBeVisible();
    const runForm = page.getByTestId('run-form');
    await expect(runForm.getByTestId('run-start')).toHaveText(text.run);

    // A required value left empty is caught before anything is sent.
    await runForm.getByTestId('run-start').click();
    await expect(runForm.getByTestId('run-param-error')).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/automation/[A-Za-z0-9_-]+$`));

    const input = runForm.locator('[data-name="greeting"]').getByTestId('run-param-input');
    await input.fill(VALUE);
    await runForm.getByTestId('run-start').click();

    // The run page: the first line is there while the run is still going.
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/runs/[A-Za-z0-9_-]+$`));
    await expect(page.getByTestId('run-job-name')).toHaveText(`Greet ${locale}`);
    const output = page.getByTestId('run-log-output');
    await expect(output).toContainText(`hello ${VALUE}`, { timeout: 10_000 });
    await expect(page.getByTestId('run-log')).toHaveAttribute('data-status', 'live');
    await expect(page.getByTestId('run-header')).toHaveAttribute(
      'data-state',
      /^(queued|running)$/
    );
    await expect(output).not.toContainText('all done');

    // Then the green line, and the run ends as succeeded.
    await expect(output.locator('span.ansi-fg-2')).toHaveText('all done', { timeout: 15_000 });
    await expect(output).not.toContainText('\u001b');
    await expect(page.getByTestId('run-header')).toHaveAttribute('data-state', 'succeeded', {
      timeout: 10_000
    });
    await expect(page.getByTestId('run-header').getByTestId('run-state')).toHaveText(
      text.succeeded
    );
    await expect(page.getByTestId('run-log')).toHaveAttribute('data-status', 'ended');
    await expect(page.getByTestId('run-parameters')).toContainText(VALUE);
    await expect(page.getByTestId('run-exit-code')).toHaveText('0');

    // Back on the job: the run is listed and links to its page.
    await page.getByTestId('run-job-link').click();
    const runRow = page.getByTestId('run-row');
    await expect(runRow).toHaveCount(1);
    await expect(runRow.getByTestId('run-state')).toHaveText(text.succeeded);
    await runRow.getByTestId('run-link').click();
    await expect(page).toHaveURL(new RegExp(`/w/${ws}/runs/[A-Za-z0-9_-]+$`));
    await expect(page.getByTestId('run-log-output')).toContainText('all done');
  });
}
