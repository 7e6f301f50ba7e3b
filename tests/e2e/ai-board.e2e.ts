/**
 * Predictions on the board (TaskCard.svelte, BoardPredictions, GET …/ai/predictions) and
 * suggestions in the assignee menu (TaskFields.svelte) in real Chromium against the production
 * build: after a member finished three disk-space tasks, an open one that is past its due date
 * shows a duration chip and a "likely late" flag, in Chinese and in English; the "at risk"
 * filter keeps it alone; the display option hides the chip. On the task page the assignee menu
 * offers that member on top with the reason, and picking the suggestion assigns them; nothing
 * is assigned before.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import type { Task } from '../../src/lib/shared/board/schema';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

async function createTask(api: APIRequestContext, ws: string, body: Record<string, unknown>) {
  const reply = await api.post(`/api/v1/workspaces/${ws}/tasks`, { data: body });
  expect(reply.status(), await reply.text()).toBe(201);
  return (await reply.json()) as Task;
}

test.describe('predictions on the board', () => {
  test('a chip and a due-date risk flag on the card, and suggestions when assigning', async ({
    browser
  }) => {
    test.setTimeout(90_000);
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('ai-board', { member: 'operator' });
    const api = await apiAs(owner);
    let risky: Task;
    let calm: Task;
    try {
      for (const title of ['db-01 磁盘空间不足', 'Disk full on db-02', 'db-03 disk space low'])
        await createTask(api, ws, { title, assignee: member.id, status: 'done' });
      risky = await createTask(api, ws, {
        title: 'db-04 磁盘空间不足',
        dueAt: new Date(Date.now() - 60 * 60_000).toISOString()
      });
      calm = await createTask(api, ws, { title: 'Order new laptops' });
      // The cards reach the records and the index a moment after the board changes, one by
      // one: wait until all three finished tasks count, for the board and for the task page.
      await expect
        .poll(
          async () => {
            const reply = await api.get(`/api/v1/workspaces/${ws}/ai/predictions?ids=${risky.id}`);
            expect(reply.status(), await reply.text()).toBe(200);
            const [item] = (await reply.json()) as { basedOn: number; dueRisk: string | null }[];
            return item ? `${item.basedOn}:${item.dueRisk}` : '';
          },
          { timeout: 20_000 }
        )
        .toBe('3:late');
      await expect
        .poll(
          async () => {
            const reply = await api.post(`/api/v1/workspaces/${ws}/ai/predict`, {
              data: { title: risky.title }
            });
            const body = (await reply.json()) as {
              assignees: { id: string; reason: { kind: string; count?: number } }[];
            };
            return body.assignees.map((a) => `${a.id}:${a.reason.kind}:${a.reason.count ?? ''}`);
          },
          { timeout: 20_000 }
        )
        .toContain(`${member.id}:resolved_similar:3`);
    } finally {
      await api.dispose();
    }

    for (const [locale, chip, flag, tooltip] of [
      ['zh-CN', '约', '可能逾期', '很可能在到期后才完成：p50'],
      ['en-US', '~', 'Likely late', 'Likely done after the due date: p50']
    ] as const) {
      const context = await browser.newContext({ ...signedIn(owner), locale, timezoneId: 'UTC' });
      try {
        const page = await context.newPage();
        await page.goto(`/w/${ws}/board`);
        const card = page.locator(`[data-testid="task-card"][data-task-id="${risky.id}"]`);
        await expect(card.getByTestId('task-prediction-chip')).toContainText(chip, {
          timeout: 15_000
        });
        const risk = card.getByTestId('task-due-risk');
        await expect(risk).toHaveAttribute('data-risk', 'late');
        await expect(risk).toContainText(flag);
        await expect(risk).toHaveAttribute('title', new RegExp(`^${tooltip}`));
        // The calm card has a chip (predicted from the priors) but no flag.
        const other = page.locator(`[data-testid="task-card"][data-task-id="${calm.id}"]`);
        await expect(other.getByTestId('task-prediction-chip')).toBeVisible();
        await expect(other.getByTestId('task-due-risk')).toHaveCount(0);

        if (locale === 'en-US') {
          await page.getByTestId('board-filter-at-risk').click();
          await expect(page.getByTestId('task-card')).toHaveCount(1);
          await expect(card).toBeVisible();
          await page.getByTestId('board-filter-at-risk').click();
          await expect(other).toBeVisible();

          await page.getByTestId('board-show-predictions').click();
          await expect(card.getByTestId('task-prediction-chip')).toHaveCount(0);
          await page.getByTestId('board-show-predictions').click();
          await expect(card.getByTestId('task-prediction-chip')).toBeVisible();
        }
      } finally {
        await context.close();
      }
    }

    // The assignee menu: the suggestion on top, with the reason; applied only when picked.
    const context = await browser.newContext({
      ...signedIn(owner),
      locale: 'en-US',
      timezoneId: 'UTC'
    });
    try {
      const page = await context.newPage();
      await page.goto(`/w/${ws}/tasks/${risky.key ?? risky.id}`);
      const select = page.getByTestId('detail-assignee');
      const suggestion = select.locator(`option[value="suggest:${member.id}"]`);
      await expect(suggestion).toHaveText(
        new RegExp(`^${member.name} — resolved 3 similar items · \\d+% confidence`),
        { timeout: 15_000 }
      );
      await expect(select.getByTestId('assignee-suggestions')).toHaveAttribute(
        'label',
        /^Suggested/
      );
      await expect(select).toHaveValue('');
      await select.selectOption(`suggest:${member.id}`);
      await expect(select).toHaveValue(member.id);
      // The person assigned is no longer offered as a suggestion.
      await expect(suggestion).toHaveCount(0);
    } finally {
      await context.close();
    }
  });
});
