/**
 * Run mode in real Chromium against the production build: a runbook opened for a task
 * (`?for=<key>`) ticks its steps on the task — the task page shows who ticked what, a second
 * context sees the tick live — while the runbook itself stays a clean template (its Markdown
 * export still has every step unticked).
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

/** Makes a runbook and a task linked to it over REST as the owner. */
async function seed(ws: string): Promise<{ runbookId: string; taskKey: string; title: string }> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const runbook = await api.post(`/api/v1/workspaces/${ws}/runbooks`, {
      data: { title: 'Restart', markdown: '# Restart\n\n- [ ] Drain node\n- [ ] Restart service\n' }
    });
    expect(runbook.status(), await runbook.text()).toBe(201);
    const runbookId = ((await runbook.json()) as { id: string }).id;
    const title = 'Restart api-1 after the leak';
    const task = await api.post(`/api/v1/workspaces/${ws}/tasks`, {
      data: { title, links: [{ type: 'runbook', target: runbookId }] }
    });
    expect(task.status(), await task.text()).toBe(201);
    const created = (await task.json()) as { id: string; key: string | null };
    return { runbookId, taskKey: created.key ?? created.id, title };
  } finally {
    await api.dispose();
  }
}

async function exportMarkdown(ws: string, runbookId: string): Promise<string> {
  const api = await apiAs(e2eAccounts().owner);
  try {
    const reply = await api.get(`/api/v1/workspaces/${ws}/runbooks/${runbookId}/export?format=md`);
    expect(reply.status()).toBe(200);
    return await reply.text();
  } finally {
    await api.dispose();
  }
}

test.describe('run mode', () => {
  test('ticks are recorded on the task, seen live, and the runbook stays a template', async ({
    browser
  }) => {
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('run-mode');
    const { runbookId, taskKey, title } = await seed(ws);
    const runUrl = `/w/${ws}/runbooks/${runbookId}?for=${taskKey}`;

    const a = await openPage(browser, owner);
    const b = await openPage(browser, member);
    try {
      await a.page.goto(runUrl);
      await expect(a.page.getByTestId('run-task-link')).toContainText(title);
      const stepsA = a.page.getByTestId('run-step');
      await expect(stepsA).toHaveCount(2);
      await expect(stepsA.nth(0)).toContainText('Drain node');
      await expect(stepsA.nth(1)).toContainText('Restart service');
      // The editor is read-only while running.
      await expect(
        a.page.locator('[data-testid="runbook-content"] [contenteditable="true"]')
      ).toHaveCount(0);

      await b.page.goto(runUrl);
      const stepsB = b.page.getByTestId('run-step');
      await expect(stepsB).toHaveCount(2);
      await expect(stepsB.nth(0)).toHaveAttribute('data-done', 'false');

      await stepsA.nth(0).getByTestId('run-step-check').check();
      await expect(stepsA.nth(0)).toHaveAttribute('data-done', 'true');
      await expect(stepsA.nth(0).getByTestId('run-step-done-by')).toContainText(owner.name);
      // The other context sees the tick live, attributed to the owner; the second step is untouched.
      await expect(stepsB.nth(0)).toHaveAttribute('data-done', 'true', { timeout: 10_000 });
      await expect(stepsB.nth(0).getByTestId('run-step-done-by')).toContainText(owner.name);
      await expect(stepsB.nth(1)).toHaveAttribute('data-done', 'false');

      // The task page records who ticked which step, and the link shows the run's progress.
      await a.page.getByTestId('run-task-link').click();
      await expect(a.page).toHaveURL(new RegExp(`/w/${ws}/tasks/`));
      const entry = a.page.locator(
        '[data-testid="activity-entry"][data-action="run_step_checked"]'
      );
      await expect(entry).toHaveCount(1);
      await expect(entry).toContainText(owner.name);
      await expect(entry).toContainText('Drain node');
      await expect(a.page.getByTestId('detail-link-run-progress')).toHaveText('1 step done');
      const run = a.page.getByTestId('detail-link-run');
      await expect(run).toHaveAttribute('href', new RegExp(`/runbooks/${runbookId}\\?for=`));

      // Back in run mode, unticking is recorded too; leaving run mode drops the query.
      await run.click();
      await expect(stepsA.nth(0)).toHaveAttribute('data-done', 'true');
      await stepsA.nth(0).getByTestId('run-step-check').uncheck();
      await expect(stepsB.nth(0)).toHaveAttribute('data-done', 'false', { timeout: 10_000 });
      await a.page.getByTestId('run-leave').click();
      await expect(a.page).toHaveURL(new RegExp(`/w/${ws}/runbooks/${runbookId}$`));
      await expect(a.page.getByTestId('run-banner')).toHaveCount(0);

      // The runbook document was never changed by the run.
      const markdown = await exportMarkdown(ws, runbookId);
      expect(markdown).toMatch(/- \[ \] Drain node/);
      expect(markdown).toMatch(/- \[ \] Restart service/);
      expect(markdown).not.toMatch(/- \[x\]/);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  test('names a task that does not exist instead of running', async ({ browser }) => {
    const ws = await newWorkspace('run-mode-missing', { member: null });
    const { runbookId } = await seed(ws);
    const a = await openPage(browser, e2eAccounts().owner);
    try {
      await a.page.goto(`/w/${ws}/runbooks/${runbookId}?for=NOPE-999`);
      await expect(a.page.getByTestId('run-task-not-found')).toContainText('NOPE-999', {
        timeout: 10_000
      });
      await expect(a.page.getByTestId('run-steps')).toHaveCount(0);
    } finally {
      await a.context.close();
    }
  });
});
