/**
 * A "run job" block in real Chromium against the production build: an admin defines a shell
 * job over REST, puts a run-job block into a runbook with the editor's toolbar (job and a
 * preset value), then runs the runbook for a task. Clicking Run starts the job with the preset;
 * its output appears line by line while it runs, and a second person (an operator) watching
 * the same run sees the run appear, its output and its result, without reloading.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiAs, e2eAccounts, newWorkspace, signedIn, type E2eUser } from './fixtures';

interface Client {
  context: BrowserContext;
  page: Page;
}

async function openPage(browser: Browser, user: E2eUser): Promise<Client> {
  const context = await browser.newContext({ ...signedIn(user), locale: 'en-US' });
  return { context, page: await context.newPage() };
}

async function expectSynced(page: Page, timeout = 10_000): Promise<void> {
  const badge = page.getByTestId('runbook-page').getByTestId('sync-badge');
  await expect(badge).toHaveAttribute('data-state', 'online', { timeout });
  await expect(badge).toHaveAttribute('data-synced', 'true', { timeout });
}

/** The job, a runbook with one paragraph and a task to run it for, over REST as the owner. */
async function seed(
  ws: string
): Promise<{ jobId: string; runbookId: string; taskId: string; taskKey: string }> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const job = await api.post(`/api/v1/workspaces/${ws}/jobs`, {
      data: {
        name: 'Greet the replica',
        kind: 'shell',
        // The first line, then a pause long enough to see it arrive while the run goes on.
        script: 'echo "hello $RB_OPTION_WHO"\nsleep 3\necho "finished $RB_OPTION_WHO"\n',
        parameters: [{ name: 'who', type: 'string', required: true }],
        timeoutSeconds: 60
      }
    });
    expect(job.status(), await job.text()).toBe(201);
    const jobId = ((await job.json()) as { id: string }).id;
    const runbook = await api.post(`/api/v1/workspaces/${ws}/runbooks`, {
      data: { title: 'Replica check', markdown: '# Replica check\n\nGreet it first.\n' }
    });
    expect(runbook.status(), await runbook.text()).toBe(201);
    const runbookId = ((await runbook.json()) as { id: string }).id;
    const task = await api.post(`/api/v1/workspaces/${ws}/tasks`, {
      data: { title: 'Replica db2 lagging', links: [{ type: 'runbook', target: runbookId }] }
    });
    expect(task.status(), await task.text()).toBe(201);
    const created = (await task.json()) as { id: string; key: string | null };
    return { jobId, runbookId, taskId: created.id, taskKey: created.key ?? created.id };
  } finally {
    await api.dispose();
  }
}

test.describe('runbook run-job block', () => {
  let clients: Client[] = [];

  test.afterEach(async () => {
    await Promise.all(clients.map((c) => c.context.close()));
    clients = [];
  });

  test('inserted in the editor, run in run mode with live output; a second user sees it', async ({
    browser
  }) => {
    test.setTimeout(90_000);
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('rb-run-job', { member: 'operator' });
    const { jobId, runbookId, taskId, taskKey } = await seed(ws);

    const a = await openPage(browser, owner);
    const b = await openPage(browser, member);
    clients = [a, b];

    // The admin adds the block with the toolbar: the job, a label and a preset value.
    await a.page.goto(`/w/${ws}/runbooks/${runbookId}`);
    await expectSynced(a.page);
    const content = a.page.getByTestId('runbook-content');
    await content.getByText('Greet it first.').click();
    await a.page.keyboard.press('End');
    await a.page.getByTestId('tb-job-run').click();
    const block = a.page.getByTestId('job-run-block');
    await expect(block).toHaveCount(1);
    const editor = block.getByTestId('job-run-editor');
    await expect(editor).toBeVisible();
    await editor.getByTestId('job-run-pick').selectOption(jobId);
    await editor.getByTestId('job-run-label-input').fill('Say hello to the replica');
    await editor.locator('input[id$="-who"]').fill('db2-replica');
    await editor.getByTestId('job-run-save').click();
    await expect(block.getByTestId('job-run-name')).toHaveText('Greet the replica');
    await expect(block.getByTestId('job-run-label')).toHaveText('Say hello to the replica');
    await expect(block.getByTestId('job-run-presets')).toContainText('db2-replica');
    const blockId = await block.getAttribute('data-block-id');
    expect(blockId).toMatch(/^[0-9a-z]{12}$/);
    await expectSynced(a.page);

    // The block is part of the runbook as the server stores it (its Markdown export).
    const api = await apiAs(owner);
    try {
      await expect
        .poll(async () => {
          const reply = await api.get(
            `/api/v1/workspaces/${ws}/runbooks/${runbookId}/export?format=md`
          );
          return reply.ok() ? await reply.text() : '';
        })
        .toContain(`"blockId": "${blockId}"`);
    } finally {
      await api.dispose();
    }

    // Both open the runbook in run mode for the task.
    const runUrl = `/w/${ws}/runbooks/${runbookId}?for=${taskKey}`;
    await a.page.goto(runUrl);
    await b.page.goto(runUrl);
    for (const client of [a, b]) {
      await expect(client.page.getByTestId('run-task-link')).toContainText('Replica db2 lagging');
      await expect(client.page.getByTestId('job-run-name')).toHaveText('Greet the replica');
    }
    const blockA = a.page.getByTestId('job-run-block');
    const blockB = b.page.getByTestId('job-run-block');
    // The form starts from the preset; nothing has run yet.
    await expect(blockA.locator('input[id$="-who"]')).toHaveValue('db2-replica');
    await expect(blockB.getByTestId('job-run-latest')).toHaveCount(0);

    await blockA.getByTestId('job-run-start').click();

    // The first line arrives while the run is still going (the script sleeps before the last).
    const latestA = blockA.getByTestId('job-run-latest');
    await expect(latestA).toContainText('hello db2-replica', { timeout: 15_000 });
    await expect(latestA).not.toContainText('finished db2-replica');
    await expect(latestA.getByTestId('run-state').first()).toHaveAttribute('data-state', 'running');

    // The operator watching sees the same run appear, live.
    const latestB = blockB.getByTestId('job-run-latest');
    await expect(latestB).toContainText('hello db2-replica', { timeout: 15_000 });
    const runId = await latestA.getAttribute('data-run-id');
    await expect(latestB).toHaveAttribute('data-run-id', runId ?? '');

    // Both see it finish.
    for (const latest of [latestA, latestB]) {
      await expect(latest).toContainText('finished db2-replica', { timeout: 20_000 });
      await expect(latest.getByTestId('run-state').first()).toHaveAttribute(
        'data-state',
        'succeeded',
        { timeout: 20_000 }
      );
    }

    // The server recorded where it came from.
    const check = await apiAs(owner);
    try {
      const reply = await check.get(`/api/v1/workspaces/${ws}/runs/${runId}`);
      expect(reply.status()).toBe(200);
      const run = (await reply.json()) as Record<string, unknown>;
      expect(run).toMatchObject({
        jobId,
        runbookId,
        runbookBlock: blockId,
        taskId,
        state: 'succeeded',
        parameters: { who: 'db2-replica' }
      });
    } finally {
      await check.dispose();
    }
  });
});
