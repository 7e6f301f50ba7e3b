/**
 * Automation in real Chromium against the production build, in English and in Chinese: an admin
 * opens Automation from the workspace's navigation, defines a shell job with a parameter in the
 * job editor, runs it from the job's Run form with a value full of shell syntax, lands on the
 * run page and watches the output arrive while the run is still going (the first line shows
 * before the script has finished), coloured by its ANSI escapes, the value printed literally;
 * then the run ends as succeeded and the job's runs list links to it. An admin also stores a
 * credential and a runner, whose secret and token leave the page once shown, and a job that
 * requires a change is refused at Run with the gate's translated message. Each test makes its own
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

test('credentials and runner tokens are shown once, and a gated job refuses to run without a change', async ({
  browser
}) => {
  const ws = await newWorkspace('automation-admin', { member: null });
  const page = await openPage(browser, 'en');

  // A credential: saved, the secret field cleared, the secret nowhere on the page afterwards.
  await page.goto(`/w/${ws}/automation?tab=credentials`);
  await expect(page.getByTestId('credentials-empty')).toBeVisible();
  await page.getByTestId('credential-new').click();
  await page.getByTestId('credential-name').fill('deploy key');
  await page.getByTestId('credential-kind').selectOption('password');
  await page.getByTestId('credential-username').fill('deploy');
  await page.getByTestId('credential-secret').fill('s3cret-value-42');
  await page.getByTestId('credential-save').click();
  const credentialRow = page.getByTestId('credential-row');
  await expect(credentialRow).toHaveCount(1);
  await expect(credentialRow).toContainText('deploy key');
  await expect(credentialRow).toContainText('Password');
  await expect(page.getByTestId('credential-form')).toHaveCount(0);
  expect(await page.content()).not.toContain('s3cret-value-42');
  await page.getByTestId('credential-new').click();
  await expect(page.getByTestId('credential-secret')).toHaveValue('');
  await page.getByRole('button', { name: 'Cancel' }).click();

  // Rotating replaces the secret; deleting asks first.
  await credentialRow.getByTestId('credential-rotate').click();
  await credentialRow.getByTestId('credential-new-secret').fill('n3w-secret');
  await credentialRow.getByTestId('credential-rotate-save').click();
  await expect(credentialRow.getByTestId('credential-new-secret')).toHaveCount(0);
  expect(await page.content()).not.toContain('n3w-secret');

  // A runner's token is shown once, then gone.
  await page.getByTestId('automation-tab-runners').click();
  await expect(page.getByTestId('runners-empty')).toBeVisible();
  await page.getByTestId('runner-new').click();
  await page.getByTestId('runner-name').fill('dc1-runner');
  await page.getByTestId('runner-register').click();
  const token = page.getByTestId('runner-token-value');
  await expect(token).not.toHaveValue('');
  const tokenValue = await token.inputValue();
  await expect(page.getByTestId('runner-row')).toContainText('dc1-runner');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('runner-token')).toHaveCount(0);
  expect(await page.content()).not.toContain(tokenValue);
  await page.getByTestId('runner-row').getByTestId('runner-delete').click();
  await page.getByTestId('runner-confirm').click();
  await expect(page.getByTestId('runners-empty')).toBeVisible();

  // A gated job: the Run form offers the change picker and shows the gate's refusal.
  await page.getByTestId('automation-tab-jobs').click();
  await page.getByTestId('job-new').click();
  const form = page.getByTestId('job-form');
  await form.getByTestId('job-name').fill('Gated restart');
  await form.getByTestId('job-script').fill('echo restarting');
  await form.getByTestId('job-credential').check();
  await form.getByTestId('job-requires-change').check();
  await form.getByTestId('job-save').click();
  await expect(page.getByTestId('job-title')).toHaveText('Gated restart');
  const runForm = page.getByTestId('run-form');
  await expect(runForm.getByTestId('run-change')).toBeVisible();
  await runForm.getByTestId('run-start').click();
  const refusal = runForm.getByTestId('run-refusal');
  await expect(refusal).toHaveAttribute('data-code', 'change_required');
  await expect(refusal).toContainText('This job needs an approved change');
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/automation/[A-Za-z0-9_-]+$`));

  // The jobs list shows it as gated, never run.
  await page.getByTestId('job-back').click();
  const jobRow = page.getByTestId('job-row');
  await expect(jobRow.getByTestId('job-gated')).toBeVisible();
  await expect(jobRow).toContainText('Never run');
});
