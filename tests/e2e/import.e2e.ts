/**
 * History import in real Chromium against the production build, in the Chinese UI: an owner
 * opens workspace settings → 导入历史数据, picks a Jira CSV export (quoted multi-line Chinese
 * descriptions), checks it (the preview: counts, new inactive members, the first items), imports
 * it (progress, then the result) and finds the finished items in the archive; a file with bad
 * rows lists each row's problem and imports nothing.
 */
import { resolve } from 'node:path';
import { expect, test, type BrowserContext } from '@playwright/test';
import { newWorkspace, signedIn } from './fixtures';

const contexts: BrowserContext[] = [];

test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

const jiraCsv = resolve('tests/fixtures/import/jira-export.csv');

test('imports a Jira CSV export in the Chinese UI and shows the items in the archive', async ({
  browser
}) => {
  const ws = await newWorkspace('import');
  const context = await browser.newContext({
    ...signedIn(),
    locale: 'zh-CN',
    timezoneId: 'UTC'
  });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`/w/${ws}/settings#import`);
  const section = page.getByTestId('settings-import');
  await expect(section.getByRole('heading', { name: '导入历史数据' })).toBeVisible();
  await expect(section.getByTestId('import-format')).toHaveValue('jira-csv');
  await section.getByTestId('import-zone').fill('UTC');
  await section.getByTestId('import-file').setInputFiles(jiraCsv);
  await expect(section.getByTestId('import-file-name')).toContainText('jira-export.csv');

  await section.getByRole('button', { name: '检查文件' }).click();
  const preview = section.getByTestId('import-preview');
  await expect(preview.getByTestId('import-preview-total')).toHaveText(
    '共 4 条：2 条进入归档，2 条放到看板'
  );
  await expect(preview.getByTestId('import-new-members')).toContainText('张伟');
  await expect(preview.getByTestId('import-new-members')).toContainText('alice@example.com');
  const sample = preview.getByTestId('import-sample');
  await expect(sample.getByRole('row')).toHaveCount(5);
  await expect(sample).toContainText('数据库主从延迟超过 30 秒');
  await expect(sample).toContainText('事件');
  await expect(section.getByText('没有发现问题。')).toBeVisible();

  await section.getByRole('button', { name: '导入 4 条' }).click();
  const result = section.getByTestId('import-result');
  await expect(result).toContainText('已导入 4 条');
  await expect(result).toContainText('归档 2 条，看板 2 条，事件 1 个，新成员 3 位');

  await result.getByRole('link', { name: '打开归档' }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${ws}/list\\?in=archive`));
  const archive = page.getByTestId('archive-table');
  await expect(archive).toContainText('数据库主从延迟超过 30 秒');
  await expect(archive).toContainText('Renew TLS certificate for api.example.com');
  await expect(page.getByTestId('archive-count')).toContainText('2');
});

test('lists each bad row of a refused file and imports nothing', async ({ browser }) => {
  const ws = await newWorkspace('import-bad');
  const context = await browser.newContext({ ...signedIn(), locale: 'en-US', timezoneId: 'UTC' });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`/w/${ws}/settings#import`);
  const section = page.getByTestId('settings-import');
  await section.getByTestId('import-format').selectOption('runboard-json');
  await section.getByTestId('import-file').setInputFiles({
    name: 'history.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify([
        { title: 'fine', status: 'todo', createdAt: '2024-02-01T00:00:00Z' },
        { title: 'no finish time', status: 'done', createdAt: '2024-02-01T00:00:00Z' },
        { title: 'bad date', status: 'todo', createdAt: 'last week' }
      ])
    )
  });
  await section.getByRole('button', { name: 'Check the file' }).click();
  const errors = section.getByTestId('import-errors');
  await expect(errors).toContainText('2 problems: nothing will be imported until they are fixed');
  await expect(errors.getByRole('row')).toHaveCount(3);
  await expect(errors).toContainText('no doneAt or resolvedAt');
  await expect(errors).toContainText('“last week” in “createdAt” is not a date');
  await expect(section.getByTestId('import-confirm')).toBeDisabled();

  await page.goto(`/w/${ws}/list?in=archive`);
  await expect(page.getByTestId('archive-count')).toContainText('0');
});
