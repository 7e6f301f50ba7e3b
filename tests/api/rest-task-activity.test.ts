/**
 * [ACT5] Task activity over REST against the real production app: changes made over REST are
 * recorded for the caller, the activity list is paged like every list, fills the task detail's
 * `activity`, and exports as CSV; a stock y-websocket client's changes are recorded for its
 * user, and an `activity` array it writes is ignored.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { z } from 'zod';
import { getTask, updateTask } from '../../src/lib/shared/board/board-model';
import {
  activityEntrySchema,
  taskDetailSchema,
  taskSchema
} from '../../src/lib/shared/board/schema';
import { connectClient, waitFor, whenSynced } from '../helpers/clients';
import { errorShape, useRestApp, type RestReply } from '../helpers/rest';

const WS = 'restactivity';
const tasksPath = `/api/v1/workspaces/${WS}/tasks`;

const entrySchema = activityEntrySchema.extend({ id: z.string(), taskId: z.string() });
const pageSchema = z.array(entrySchema);

const rest = useRestApp(WS, ['owner', 'member', 'viewer'], 'runboard-rest-activity-');
const { clients, call } = rest;
type Reply = RestReply;

function expectOk(reply: Reply, status = 200) {
  expect(reply.status, reply.text).toBe(status);
  return reply;
}

async function activity(ref: string, query = '', as = 'owner') {
  const reply = expectOk(await call('GET', `${tasksPath}/${ref}/activity${query}`, undefined, as));
  return { reply, entries: pageSchema.parse(reply.body) };
}

describe('task activity over REST', () => {
  it('[ACT5] records REST changes for the caller; lists them paged; fills the detail', async () => {
    const created = taskSchema.parse(
      expectOk(await call('POST', tasksPath, { title: 'Renew TLS' }, 'member'), 201).body
    );
    expectOk(await call('PATCH', `${tasksPath}/${created.key}`, { priority: 'high' }));
    expectOk(
      await call('POST', `${tasksPath}/${created.id}/comments`, { body: 'Done' }, 'member'),
      201
    );
    // Readable as soon as each call has answered: no waiting.
    const { reply, entries } = await activity(created.key!, '', 'viewer');
    expect(entries.map((e) => [e.action, e.by, e.field ?? null])).toEqual([
      ['created', rest.users.member!.userId, null],
      ['key_assigned', rest.users.member!.userId, null],
      ['updated', rest.users.owner!.userId, 'priority'],
      ['commented', rest.users.member!.userId, null]
    ]);
    expect(entries[2]).toMatchObject({ from: 'none', to: 'high', taskId: created.id });
    expect(reply.headers.get('x-total-count')).toBe('4');
    expect(reply.headers.get('link')).toBeNull();

    // Paged like every list.
    const first = await activity(created.id, '?limit=3');
    expect(first.entries.map((e) => e.action)).toEqual(['created', 'key_assigned', 'updated']);
    expect(first.reply.headers.get('x-total-count')).toBe('4');
    expect(first.reply.headers.get('link')).toBe(
      `</api/v1/workspaces/${WS}/tasks/${created.id}/activity?limit=3&offset=3>; rel="next"`
    );
    const second = await activity(created.id, '?limit=3&offset=3');
    expect(second.entries.map((e) => e.action)).toEqual(['commented']);
    expect(second.reply.headers.get('link')).toBeNull();

    // The detail's `activity` is the same record, without ids.
    const detail = taskDetailSchema.parse(
      expectOk(await call('GET', `${tasksPath}/${created.id}/detail`)).body
    );
    expect(detail.activity).toEqual(entries.map(({ id: _id, taskId: _task, ...entry }) => entry));

    const missing = await call('GET', `${tasksPath}/OPS-99999/activity`);
    expect(missing.status).toBe(404);
    expect(errorShape.parse(missing.body).error.code).toBe('not_found');
    const bad = await call('GET', `${tasksPath}/${created.id}/activity?limit=0`);
    expect(bad.status).toBe(400);
  });

  it('[ACT5][ACT1][ACT2] a client is recorded as its user; its activity array is ignored', async () => {
    const task = taskSchema.parse(
      expectOk(await call('POST', tasksPath, { title: 'Failover drill' }), 201).body
    );
    const member = connectClient(rest.app.wsUrl, `${WS}.board`, {
      params: { token: rest.users.member!.token }
    });
    clients.push(member);
    await whenSynced(member);
    await waitFor(() => getTask(member.doc, task.id) !== null, 3_000, 'task on the client');
    updateTask(member.doc, task.id, { status: 'in-progress' }, { actor: rest.users.owner!.userId });
    const map = member.doc.getMap('tasks').get(task.id) as Y.Map<unknown>;
    member.doc.transact(() =>
      map.set(
        'activity',
        Y.Array.from([
          { at: '2020-01-01T00:00:00.000Z', by: rest.users.owner!.userId, action: 'archived' }
        ])
      )
    );
    await waitFor(() => !map.has('activity'), 3_000, 'the array removed by the server');
    let entries: z.infer<typeof pageSchema> = [];
    const deadline = Date.now() + 5_000;
    while (!entries.some((e) => e.action === 'moved') && Date.now() < deadline) {
      entries = (await activity(task.id)).entries;
    }
    expect(entries.map((e) => [e.action, e.by])).toEqual([
      ['created', rest.users.owner!.userId],
      ['key_assigned', rest.users.owner!.userId],
      ['moved', rest.users.member!.userId]
    ]);
    const detail = taskDetailSchema.parse(
      expectOk(await call('GET', `${tasksPath}/${task.id}/detail`)).body
    );
    expect(detail.activity.some((e) => e.action === 'archived')).toBe(false);
  });

  it('[ACT5] exports the activity as CSV, names included, formulas defused', async () => {
    const task = taskSchema.parse(
      expectOk(await call('POST', tasksPath, { title: '=HYPERLINK("x")' }, 'member'), 201).body
    );
    expectOk(await call('PATCH', `${tasksPath}/${task.id}`, { title: 'Plain, "quoted"' }));
    const reply = expectOk(
      await call('GET', `${tasksPath}/${task.key}/activity/export?format=csv`, undefined, 'viewer')
    );
    expect(reply.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(reply.headers.get('content-disposition')).toBe(
      `attachment; filename="${task.key}-activity.csv"`
    );
    const lines = reply.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('at,by,by_name,action,field,from,to');
    expect(lines).toHaveLength(4);
    const [at, by, , action] = lines[1]!.split(',');
    expect(Date.parse(at!)).toBeGreaterThan(0);
    expect([by, action]).toEqual([rest.users.member!.userId, 'created']);
    expect(lines[3]).toMatch(
      new RegExp(
        `^[^,]+,${rest.users.owner!.userId},[^,]*,updated,title,"'=HYPERLINK\\(""x""\\)","Plain, ""quoted"""$`
      )
    );
    const missing = await call('GET', `${tasksPath}/OPS-99999/activity/export`);
    expect(missing.status).toBe(404);
    const badFormat = await call('GET', `${tasksPath}/${task.id}/activity/export?format=xlsx`);
    expect(badFormat.status).toBe(400);
  });
});
