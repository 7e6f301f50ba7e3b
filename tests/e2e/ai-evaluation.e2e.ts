/**
 * The AI's self-evaluation page (Settings → AI → Evaluation, docs/ai-models.md "Evaluate on your
 * own data") in real Chromium against the production build: an owner opens it from the AI
 * settings, runs it on an empty workspace and is told how much finished work is needed; after
 * the bench's evaluation set is imported, a run shows its progress and then the figures the API
 * reports, with a verdict per model, in English and in Chinese; a member sees the forbidden
 * state.
 */
import { expect, test, type BrowserContext } from '@playwright/test';
import { generateDataset, toRunboardJson } from '../../bench/ai/dataset';
import { evaluationStatusSchema } from '../../src/lib/shared/ai/evaluation';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

const contexts: BrowserContext[] = [];

test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

test('runs the evaluation with progress and shows the figures in English and Chinese', async ({
  browser
}) => {
  test.setTimeout(120_000);
  const ws = await newWorkspace('ai-eval');
  const context = await browser.newContext({ ...signedIn(), locale: 'en-US', timezoneId: 'UTC' });
  contexts.push(context);
  const page = await context.newPage();

  // From the AI settings.
  await page.goto(`/w/${ws}/settings#ai`);
  await page.getByTestId('ai-evaluation-link').click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/settings/ai-evaluation$`));
  await expect(page.getByRole('heading', { name: 'Evaluation on your own data' })).toBeVisible();
  // (The status is asked for once the page runs; a busy CI machine may take a while.)
  await expect(page.getByTestId('ai-eval-empty')).toBeVisible({ timeout: 20_000 });

  // Nothing finished yet: how much is needed.
  await page.getByTestId('ai-eval-run').click();
  await expect(page.getByTestId('ai-eval-too-little')).toContainText(
    'needs at least 40 finished tasks and incidents'
  );
  await expect(page.getByTestId('ai-eval-too-little')).toContainText('This workspace has 0');

  // A year of history, imported.
  const api = await apiAs(e2eAccounts().owner);
  try {
    const imported = await api.post(`/api/v1/workspaces/${ws}/import?format=runboard-json`, {
      // A session cookie: the same-origin check wants the Origin a browser sends.
      headers: { 'content-type': 'text/plain; charset=utf-8', origin: e2eAccounts().baseURL },
      data: JSON.stringify(toRunboardJson(generateDataset({ series: false })))
    });
    expect(imported.status(), await imported.text()).toBe(201);

    await page.getByTestId('ai-eval-run').click();
    await expect(page.getByTestId('ai-eval-too-little')).toBeHidden();
    await expect(page.getByTestId('ai-eval-progress')).toBeVisible();
    await expect(page.getByTestId('ai-eval-run')).toBeDisabled();
    const result = page.getByTestId('ai-eval-result');
    await expect(result).toBeVisible({ timeout: 90_000 });
    await expect(page.getByTestId('ai-eval-progress')).toBeHidden();

    // The figures are the API's.
    const answer = await api.get(`/api/v1/workspaces/${ws}/ai/evaluation`);
    const { result: stored } = evaluationStatusSchema.parse(await answer.json());
    const r = stored!.report;
    const pct = (x: number | null) => `${Math.round(x! * 100)}%`;
    await expect(page.getByTestId('ai-eval-items')).toHaveText(String(stored!.items));
    await expect(page.getByTestId('ai-eval-train')).toHaveText(String(r.trainItems));
    await expect(page.getByTestId('ai-eval-test')).toHaveText(String(r.testItems));
    await expect(page.getByTestId('ai-eval-ratio')).toHaveText(r.duration.ratio!.toFixed(2));
    await expect(page.getByTestId('ai-eval-calibration')).toHaveText(
      r.duration.calibration!.toFixed(2)
    );
    await expect(page.getByTestId('ai-eval-top1')).toHaveText(pct(r.assignee.top1));
    await expect(page.getByTestId('ai-eval-top3')).toHaveText(pct(r.assignee.top3));
    await expect(page.getByTestId('ai-eval-baseline-top3')).toHaveText(
      pct(r.assignee.baselineTop3)
    );
    await expect(page.getByTestId('ai-eval-recall')).toHaveText(
      r.similar!.paraphrase.recall!.toFixed(2)
    );
    // Both languages in the data: the cross-language figure is shown.
    await expect(page.getByTestId('ai-eval-cross')).toHaveText(
      r.similar!.crossLanguage.recall!.toFixed(2)
    );
    const percent = Math.round((1 - r.duration.ratio!) * 100);
    await expect(page.getByTestId('ai-eval-verdict-duration')).toHaveText(
      `Beats its baseline by ${percent}% — trust the duration ranges.`
    );
    await expect(page.getByTestId('ai-eval-verdict-assignee')).toContainText(
      'the assignee suggestions'
    );
    await expect(page.getByTestId('ai-eval-run')).toHaveText('Run again');
  } finally {
    await api.dispose();
  }

  // The same result in Chinese.
  const zh = await browser.newContext({ ...signedIn(), locale: 'zh-CN', timezoneId: 'UTC' });
  contexts.push(zh);
  const zhPage = await zh.newPage();
  await zhPage.goto(`/w/${ws}/settings/ai-evaluation`);
  await expect(zhPage.getByRole('heading', { name: '用自己的数据评估' })).toBeVisible();
  await expect(zhPage.getByTestId('ai-eval-result')).toBeVisible();
  await expect(zhPage.getByTestId('ai-eval-duration')).toContainText('中位时长的误差');
  await expect(zhPage.getByTestId('ai-eval-verdict-duration')).toContainText(
    '——可以信任时长范围。'
  );
  await expect(zhPage.getByTestId('ai-eval-split-at')).toContainText('最后四分之一');
});

test('a member sees that only admins can evaluate the AI', async ({ browser }) => {
  const ws = await newWorkspace('ai-eval-member');
  const context = await browser.newContext({
    ...signedIn(e2eAccounts().member),
    locale: 'en-US',
    timezoneId: 'UTC'
  });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`/w/${ws}/settings/ai-evaluation`);
  await expect(page.getByTestId('ai-eval-forbidden')).toContainText(
    'Only admins can evaluate the AI'
  );
  await expect(page.getByTestId('ai-eval-run')).toHaveCount(0);
});
