/**
 * The prediction on the task page (TaskPrediction.svelte, POST …/ai/predict) in real Chromium
 * against the production build: after a member finished three disk-space tasks, a new one shows
 * a likely duration and suggests that member with the reason, in Chinese and in English; one
 * click assigns them. Nothing is assigned before the click.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import type { Task } from '../../src/lib/shared/board/schema';
import { apiAs, e2eAccounts, newWorkspace, signedIn } from './fixtures';

async function createTask(api: APIRequestContext, ws: string, body: Record<string, unknown>) {
  const reply = await api.post(`/api/v1/workspaces/${ws}/tasks`, { data: body });
  expect(reply.status(), await reply.text()).toBe(201);
  return (await reply.json()) as Task;
}

test.describe('prediction on the task page', () => {
  test('suggests who finished similar work, with the reason, and assigns on click', async ({
    browser
  }) => {
    const { owner, member } = e2eAccounts();
    const ws = await newWorkspace('ai-predict', { member: 'operator' });
    const api = await apiAs(owner);
    let key = '';
    try {
      for (const title of ['db-01 磁盘空间不足', 'Disk full on db-02', 'db-03 disk space low'])
        await createTask(api, ws, { title, assignee: member.id, status: 'done' });
      const task = await createTask(api, ws, { title: 'db-04 磁盘空间不足' });
      key = task.key ?? task.id;
      expect(task.assignee).toBeNull();
      // the cards reach the records (and the index) a moment after the board changes, one by one
      await expect
        .poll(
          async () => {
            const reply = await api.post(`/api/v1/workspaces/${ws}/ai/predict`, {
              data: { title: 'db-04 磁盘空间不足' }
            });
            expect(reply.status(), await reply.text()).toBe(200);
            const body = (await reply.json()) as {
              assignees: { id: string; reason: { kind: string; count?: number } }[];
            };
            return body.assignees.map((a) => `${a.id}:${a.reason.kind}:${a.reason.count ?? ''}`);
          },
          { timeout: 15_000 }
        )
        // all three finished tasks, not only the first one indexed
        .toContain(`${member.id}:resolved_similar:3`);
    } finally {
      await api.dispose();
    }

    for (const [locale, reason, likely] of [
      ['zh-CN', '处理过 3 个类似事项', '预计'],
      ['en-US', 'resolved 3 similar items', 'Likely']
    ] as const) {
      const context = await browser.newContext({ ...signedIn(owner), locale, timezoneId: 'UTC' });
      try {
        const page = await context.newPage();
        await page.goto(`/w/${ws}/tasks/${key}`);
        const section = page.getByTestId('task-prediction');
        await expect(section.getByTestId('prediction-duration')).toContainText(likely, {
          timeout: 15_000
        });
        const people = section.getByTestId('prediction-assignees');
        await expect(people).toContainText(member.name);
        await expect(people).toContainText(reason);
        await expect(page.getByTestId('detail-assignee')).toHaveValue('');
        if (locale === 'en-US') {
          await people.getByRole('button', { name: member.name }).click();
          await expect(page.getByTestId('detail-assignee')).toHaveValue(member.id);
        }
      } finally {
        await context.close();
      }
    }
  });
});
