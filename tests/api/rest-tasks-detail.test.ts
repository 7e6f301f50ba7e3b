/**
 * The task detail REST API against the real production app: task by human key, detail,
 * comments (author only), checklist items and bulk edits — written through the DocStore with
 * the caller as actor and seen by a connected websocket client.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getTaskDetail } from '../../src/lib/shared/board/board-model';
import {
  checklistItemSchema,
  commentSchema,
  taskDetailSchema,
  taskSchema,
  type Task
} from '../../src/lib/shared/board/schema';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { errorShape, useRestApp, type RestReply } from '../helpers/rest';

const WS = 'restdetail';
const tasksPath = `/api/v1/workspaces/${WS}/tasks`;

const rest = useRestApp(WS, ['owner', 'member', 'viewer'], 'runboard-rest-detail-');
const { clients, call } = rest;
type Reply = RestReply;

function expectError(reply: Reply, status: number, code: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  const { error } = errorShape.parse(reply.body);
  expect(error.code).toBe(code);
  return error;
}

async function create(title: string): Promise<Task> {
  const reply = await call('POST', tasksPath, { title });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return taskSchema.parse(reply.body);
}

/** A client of the board, or of a task's document (`taskId`: its checklist and comments). */
function client(taskId?: string): TestClient {
  const name = taskId === undefined ? `${WS}.board` : `${WS}.task.${taskId}`;
  const c = connectClient(rest.app.wsUrl, name, {
    params: { token: rest.users.owner!.token }
  });
  clients.push(c);
  return c;
}

describe('task detail REST API', () => {
  it('[TASK1] gets a task and its detail by id or by human key', async () => {
    const task = await create('Rotate certificates');
    expect(task.key).toMatch(/^OPS-\d+$/);
    const byKey = await call('GET', `${tasksPath}/${task.key!.toLowerCase()}`);
    expect(byKey.status).toBe(200);
    expect(byKey.body).toEqual(task);
    const detail = await call('GET', `${tasksPath}/${task.key}/detail`);
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    const parsed = taskDetailSchema.parse(detail.body);
    expect(parsed).toMatchObject({ ...task, checklist: [], comments: [] });
    expect(parsed.activity.map((e) => e.action)).toEqual(['created', 'key_assigned']);
    expect(parsed.activity[0]?.by).toBe(rest.users.owner!.userId);
    expectError(await call('GET', `${tasksPath}/OPS-99999/detail`), 404, 'not_found');
    expectError(await call('GET', `${tasksPath}/OPS-99999`), 404, 'not_found');
  });

  it('[TASK1] adds, ticks and removes checklist items; a client sees them', async () => {
    const c = client();
    await whenSynced(c);
    const task = await create('Patch kernel');
    const path = `${tasksPath}/${task.id}/checklist`;
    const added = await call('POST', path, { text: '  Drain node  ' }, 'member');
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const item = checklistItemSchema.parse(added.body);
    expect(item).toMatchObject({ text: 'Drain node', done: false, doneBy: null });
    await call('POST', path, { text: 'Reboot' });

    const content = client(task.id);
    await whenSynced(content);
    const ticked = await call('PATCH', `${path}/${item.id}`, { done: true }, 'member');
    expect(ticked.status, JSON.stringify(ticked.body)).toBe(200);
    expect(ticked.body).toMatchObject({ done: true, doneBy: rest.users.member!.userId });
    await waitFor(
      () => getTaskDetail(c.doc, task.id, content.doc)?.checklist[0]?.done === true,
      1_000,
      'checked item on the client'
    );
    // The card's summary, written by the server into the board.
    await waitFor(
      () => getTaskDetail(c.doc, task.id)?.checklistDone === 1,
      1_000,
      'summary on the board'
    );
    expect(getTaskDetail(c.doc, task.id)).toMatchObject({ checklistDone: 1, checklistTotal: 2 });

    const renamed = await call('PATCH', `${path}/${item.id}`, { text: 'Drain node-3' });
    expect(renamed.body).toMatchObject({ text: 'Drain node-3', done: true });
    const removed = await call('DELETE', `${path}/${item.id}`);
    expect(removed.status).toBe(204);
    expect(removed.body).toBeUndefined();

    const detail = taskDetailSchema.parse(
      (await call('GET', `${tasksPath}/${task.id}/detail`)).body
    );
    expect(detail.checklist.map((i) => i.text)).toEqual(['Reboot']);
    expect(detail.activity.map((e) => [e.action, e.by])).toContainEqual([
      'checklist_checked',
      rest.users.member!.userId
    ]);

    expectError(await call('POST', path, { text: '' }), 400, 'invalid_input');
    expectError(await call('POST', path, { text: 'x', extra: 1 }), 400, 'invalid_input');
    expectError(await call('PATCH', `${path}/${item.id}`, { done: true }), 404, 'not_found');
    expectError(await call('PATCH', `${path}/nosuch`, {}), 400, 'invalid_input');
    expectError(await call('DELETE', `${path}/nosuch`), 404, 'not_found');
    expectError(
      await call('POST', `${tasksPath}/nosuch/checklist`, { text: 'x' }),
      404,
      'not_found'
    );
    expectError(await call('POST', path, { text: 'x' }, 'viewer'), 403, 'forbidden');
  });

  it('[TASK1][TASK2] comments: the caller is the author; only the author edits or deletes', async () => {
    const c = client();
    await whenSynced(c);
    const task = await create('Database failover');
    const path = `${tasksPath}/${task.key}/comments`;
    const posted = await call('POST', path, { body: ' Primary is back ' }, 'member');
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const comment = commentSchema.parse(posted.body);
    expect(comment).toMatchObject({
      author: rest.users.member!.userId,
      body: 'Primary is back',
      editedAt: null
    });
    await waitFor(
      () => getTaskDetail(c.doc, task.id)?.commentCount === 1,
      1_000,
      'comment on the client'
    );

    // Not the author (even the owner): 403, nothing changes.
    expectError(
      await call('PATCH', `${path}/${comment.id}`, { body: 'Hijacked' }),
      403,
      'forbidden'
    );
    expectError(await call('DELETE', `${path}/${comment.id}`), 403, 'forbidden');
    const unchanged = taskDetailSchema.parse(
      (await call('GET', `${tasksPath}/${task.id}/detail`)).body
    );
    expect(unchanged.comments).toEqual([comment]);

    const edited = await call(
      'PATCH',
      `${path}/${comment.id}`,
      { body: 'Primary is back up' },
      'member'
    );
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ body: 'Primary is back up', editedAt: expect.any(String) });
    expectError(
      await call('PATCH', `${path}/${comment.id}`, { body: '' }, 'member'),
      400,
      'invalid_input'
    );
    expectError(await call('PATCH', `${path}/nosuch`, { body: 'x' }, 'member'), 404, 'not_found');
    expect((await call('DELETE', `${path}/${comment.id}`, undefined, 'member')).status).toBe(204);
    await waitFor(
      () => getTaskDetail(c.doc, task.id)?.commentCount === 0,
      1_000,
      'deleted comment on the client'
    );
    // Activity is the server's record (never in the document): read it from the detail.
    const detail = taskDetailSchema.parse(
      (await call('GET', `${tasksPath}/${task.id}/detail`)).body
    );
    const activity = detail.activity.map((e) => [e.action, e.by]);
    expect(activity.slice(-3)).toEqual([
      ['commented', rest.users.member!.userId],
      ['comment_edited', rest.users.member!.userId],
      ['comment_deleted', rest.users.member!.userId]
    ]);
  });

  it('[TASK1][TASK3] bulk edit changes all listed tasks, or none', async () => {
    const c = client();
    await whenSynced(c);
    const a = await create('Bulk A');
    const b = await create('Bulk B');
    const reply = await call('POST', `${tasksPath}/bulk`, {
      ids: [b.id, a.id],
      patch: { status: 'in-progress', priority: 'urgent' }
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const { tasks } = z.object({ tasks: z.array(taskSchema) }).parse(reply.body);
    expect(tasks.map((t) => [t.id, t.status, t.priority])).toEqual([
      [b.id, 'in-progress', 'urgent'],
      [a.id, 'in-progress', 'urgent']
    ]);
    await waitFor(
      () => getTaskDetail(c.doc, a.id)?.priority === 'urgent',
      1_000,
      'bulk edit on the client'
    );
    const detailA = taskDetailSchema.parse((await call('GET', `${tasksPath}/${a.id}/detail`)).body);
    expect(detailA.activity.at(-1)).toMatchObject({
      action: 'moved',
      by: rest.users.owner!.userId,
      to: 'in-progress'
    });

    const refused = expectError(
      await call('POST', `${tasksPath}/bulk`, { ids: [a.id, 'ghost'], patch: { priority: 'low' } }),
      400,
      'invalid_input'
    );
    expect(refused.details).toEqual({ missing: ['ghost'] });
    expectError(
      await call('POST', `${tasksPath}/bulk`, { ids: [a.id, b.id], patch: { status: 'nope' } }),
      400,
      'invalid_input'
    );
    expectError(
      await call('POST', `${tasksPath}/bulk`, { ids: [a.id, a.id], patch: { priority: 'low' } }),
      400,
      'invalid_input'
    );
    expectError(
      await call('POST', `${tasksPath}/bulk`, { ids: [], patch: { priority: 'low' } }),
      400,
      'invalid_input'
    );
    for (const id of [a.id, b.id]) {
      const task = taskSchema.parse((await call('GET', `${tasksPath}/${id}`)).body);
      expect(task.priority).toBe('urgent');
    }
    expectError(
      await call(
        'POST',
        `${tasksPath}/bulk`,
        { ids: [a.id], patch: { priority: 'low' } },
        'viewer'
      ),
      403,
      'forbidden'
    );
  });
});
