/**
 * The task archive over REST against the production app: a board seeded with tasks finished
 * long ago is swept on its first load; the archive lists, filters, searches and pages them;
 * `GET …/tasks/{key}` answers archived tasks with `archived: true`; PATCH refuses them with
 * 409 `task_archived`; un-archiving brings one back (writers only) with its key and fields.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BoardStore } from '../../src/lib/server/board/board-store';
import {
  assignTaskKey,
  createTask,
  initBoard,
  upsertLabel
} from '../../src/lib/shared/board/board-model';
import { taskSchema } from '../../src/lib/shared/board/schema';
import { openTestDatabase } from '../helpers/database';
import { errorShape, useRestApp, type RestReply } from '../helpers/rest';

const WS = 'arcrest';
const DAY = 24 * 60 * 60 * 1000;
const OLD = 40;

/** Before the app starts: a board with OLD tasks done 30 days ago, one open, one done today. */
async function seedBoard(dataDir: string): Promise<void> {
  const { records, documents } = await openTestDatabase(dataDir);
  try {
    const doc = new Y.Doc();
    initBoard(doc);
    upsertLabel(doc, { id: 'db', name: 'database', color: '#ff0000' });
    const first = await new BoardStore(records).reserveTaskNumbers(WS, OLD + 2);
    const long = new Date(Date.now() - 30 * DAY);
    for (let i = 0; i < OLD; i++) {
      const incident = i % 2 === 0;
      const task = createTask(
        doc,
        {
          title: i === 7 ? 'Disk full on payments-db 数据库故障' : `Old work item ${i}`,
          status: 'done',
          kind: incident ? 'incident' : 'task',
          ...(i < 10 ? { labels: ['db'] } : {}),
          ...(i % 4 === 1 ? { assignee: 'alice' } : {})
        },
        { now: new Date(long.getTime() + i * 60_000) }
      );
      assignTaskKey(doc, task.id, first + i);
    }
    assignTaskKey(doc, createTask(doc, { title: 'Still open' }).id, first + OLD);
    const today = createTask(doc, { title: 'Done today', status: 'done' });
    assignTaskKey(doc, today.id, first + OLD + 1);
    await documents.append(`${WS}.board`, [Y.encodeStateAsUpdate(doc)]);
  } finally {
    await records.close();
  }
}

const rest = useRestApp(WS, ['owner', 'member', 'viewer'], 'runboard-rest-archive-', {
  beforeStart: seedBoard
});

const pageSchema = z
  .object({
    items: z.array(
      taskSchema.extend({
        archived: z.literal(true),
        finishedAt: z.string(),
        movedAt: z.string()
      })
    ),
    nextCursor: z.string().nullable(),
    total: z.number().int()
  })
  .strict();

const page = (reply: RestReply) => {
  expect(reply.status, reply.text).toBe(200);
  return pageSchema.parse(reply.body);
};

function expectError(reply: RestReply, status: number, code: string) {
  expect(reply.status, reply.text).toBe(status);
  expect(errorShape.parse(reply.body).error.code).toBe(code);
}

const base = `/api/v1/workspaces/${WS}`;

describe('the task archive over REST', () => {
  it('moves old finished tasks out on load: the live list keeps the rest', async () => {
    const live = await rest.call('GET', `${base}/tasks?includeArchived=true`);
    expect(live.status).toBe(200);
    expect((live.body as Array<{ title: string }>).map((t) => t.title).sort()).toEqual([
      'Done today',
      'Still open'
    ]);
    const all = page(
      await rest.call('GET', `${base}/archive/tasks?limit=500`, undefined, 'viewer')
    );
    expect(all.total).toBe(OLD);
    expect(all.items).toHaveLength(OLD);
    expect(all.nextCursor).toBeNull();
    // Most recently finished first.
    const finished = all.items.map((t) => t.finishedAt);
    expect([...finished].sort().reverse()).toEqual(finished);
  });

  it('filters, searches and pages by cursor', async () => {
    const q = (query: string) => rest.call('GET', `${base}/archive/tasks?${query}`);
    expect(page(await q('kind=incident')).total).toBe(OLD / 2);
    expect(page(await q('label=db')).total).toBe(10);
    expect(page(await q('assignee=alice')).total).toBe(OLD / 4);
    expect(page(await q('assignee=')).total).toBe(OLD - OLD / 4);
    const search = page(await q('q=payments'));
    expect(search.items.map((t) => t.title)).toEqual(['Disk full on payments-db 数据库故障']);
    expect(page(await q(`q=${encodeURIComponent('数据库')}`)).total).toBe(1);
    expect(page(await q('q=nothingmatches')).total).toBe(0);
    const key = search.items[0]!.key!;
    expect(page(await q(`q=${key}`)).items.map((t) => t.key)).toContain(key);

    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const reply = await q(`limit=15${cursor ? `&cursor=${cursor}` : ''}`);
      expect(reply.headers.get('x-total-count')).toBe(String(OLD));
      const p = page(reply);
      for (const t of p.items) seen.add(t.id);
      if (p.nextCursor) expect(reply.headers.get('link')).toContain('cursor=');
      cursor = p.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.size).toBe(OLD);
    expectError(await q('from=yesterday'), 400, 'invalid_input');
  });

  it('answers a deep link to an archived task; PATCH asks to un-archive it first', async () => {
    const [archived] = page(await rest.call('GET', `${base}/archive/tasks?q=payments`)).items;
    const byKey = await rest.call(
      'GET',
      `${base}/tasks/${archived!.key!.toLowerCase()}`,
      undefined,
      'viewer'
    );
    expect(byKey.status).toBe(200);
    expect(byKey.body).toMatchObject({ id: archived!.id, archived: true, key: archived!.key });
    const live = (await rest.call('GET', `${base}/tasks`)).body as Array<{ id: string }>;
    const liveOne = await rest.call('GET', `${base}/tasks/${live[0]!.id}`);
    expect(liveOne.body).not.toHaveProperty('archived');
    expectError(
      await rest.call('PATCH', `${base}/tasks/${archived!.key}`, { title: 'x' }),
      409,
      'task_archived'
    );
    expectError(await rest.call('GET', `${base}/tasks/OPS-9999`), 404, 'not_found');
  });

  it('un-archives for writers only, as a live card with its key and fields', async () => {
    const [archived] = page(await rest.call('GET', `${base}/archive/tasks?q=payments`)).items;
    const path = `${base}/tasks/${archived!.key}/unarchive`;
    expectError(await rest.call('POST', path, undefined, 'viewer'), 403, 'forbidden');
    const back = await rest.call('POST', path, undefined, 'member');
    expect(back.status, back.text).toBe(200);
    const task = taskSchema.parse(back.body);
    expect(task).toMatchObject({
      id: archived!.id,
      key: archived!.key,
      title: archived!.title,
      status: 'done',
      kind: archived!.kind,
      labels: archived!.labels,
      archivedAt: null
    });
    const live = await rest.call('GET', `${base}/tasks/${archived!.key}`);
    expect(live.body).not.toHaveProperty('archived');
    expect(page(await rest.call('GET', `${base}/archive/tasks`)).total).toBe(OLD - 1);
    const patched = await rest.call('PATCH', `${base}/tasks/${archived!.key}`, { title: 'again' });
    expect(patched.status).toBe(200);
    // Once more: nothing archived any more, answered with the live task.
    expect((await rest.call('POST', path, undefined, 'member')).status).toBe(200);
    expectError(
      await rest.call('POST', `${base}/tasks/OPS-9999/unarchive`, undefined, 'member'),
      404,
      'not_found'
    );
  });
});
