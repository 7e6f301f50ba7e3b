/**
 * `GET …/ai/similar` (DESIGN.md §2) against the production app: tasks created through the REST
 * API in Chinese and English are found from the other language, best first, in the contract's
 * shape `[{ id, title, score }]`; a task archived long ago is found too; edits are followed; the
 * query is validated; "last time" and the index's status and rebuild (admins only) answer.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BoardStore } from '../../src/lib/server/board/board-store';
import { assignTaskKey, createTask, initBoard } from '../../src/lib/shared/board/board-model';
import { indexStatusSchema, similarItemSchema } from '../../src/lib/shared/ai/schema';
import { openTestDatabase } from '../helpers/database';
import { errorShape, useRestApp, type RestReply } from '../helpers/rest';

const WS = 'aisim';
const DAY = 24 * 60 * 60 * 1000;
const base = `/api/v1/workspaces/${WS}`;

/** Before the app starts: an incident resolved 30 days ago (archived on the board's load). */
async function seedBoard(dataDir: string): Promise<void> {
  const { records, documents } = await openTestDatabase(dataDir);
  try {
    const doc = new Y.Doc();
    initBoard(doc);
    const first = await new BoardStore(records).reserveTaskNumbers(WS, 2);
    const long = new Date(Date.now() - 30 * DAY);
    const old = createTask(
      doc,
      { title: 'MySQL 主从延迟超过 300 秒', status: 'done', kind: 'incident' },
      { now: long }
    );
    assignTaskKey(doc, old.id, first);
    const other = createTask(doc, { title: 'Order new laptops', status: 'done' }, { now: long });
    assignTaskKey(doc, other.id, first + 1);
    await documents.append(`${WS}.board`, [Y.encodeStateAsUpdate(doc)]);
  } finally {
    await records.close();
  }
}

const rest = useRestApp(WS, ['owner', 'admin', 'member', 'viewer'], 'runboard-rest-ai-', {
  beforeStart: seedBoard
});

const resultSchema = z.array(similarItemSchema.strict());

function results(reply: RestReply) {
  expect(reply.status, reply.text).toBe(200);
  return resultSchema.parse(reply.body);
}

const similar = (text: string, extra = '', as = 'viewer') =>
  rest.call('GET', `${base}/ai/similar?text=${encodeURIComponent(text)}${extra}`, undefined, as);

/** Asks until `check` holds: the index follows document changes a moment later. */
async function eventually<T>(ask: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value = await ask();
  for (let i = 0; i < 60 && !check(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await ask();
  }
  return value;
}

async function createTask2(title: string, description = ''): Promise<{ id: string; key: string }> {
  const reply = await rest.call('POST', `${base}/tasks`, { title, description }, 'member');
  expect(reply.status, reply.text).toBe(201);
  return reply.body as { id: string; key: string };
}

describe('similar work over REST', () => {
  it('finds tasks across Chinese and English, archived ones included, best first', async () => {
    const disk = await createTask2('db-01 磁盘空间不足', '/var/lib/mysql 使用率 95%');
    const cert = await createTask2('Renew the TLS certificate of api.example.com');
    await createTask2('Redis memory usage high on cache-02');

    const found = await eventually(
      async () => results(await similar('disk space low on db-01')),
      (items) => items[0]?.id === disk.id
    );
    expect(found[0]).toMatchObject({ id: disk.id, type: 'task', status: 'open', key: disk.key });
    expect(found[0]!.url).toBe(`/w/${WS}/tasks/${disk.key}`);
    for (let i = 1; i < found.length; i++) {
      expect(found[i - 1]!.score).toBeGreaterThanOrEqual(found[i]!.score);
    }

    const zh = results(await similar('证书即将过期', '&limit=1'));
    expect(zh.map((item) => item.id)).toEqual([cert.id]);

    // The incident archived on the board's first load.
    const lag = results(await similar('mysql replication lag', '&type=incident'));
    expect(lag[0]).toMatchObject({ title: 'MySQL 主从延迟超过 300 秒', status: 'archived' });

    // Its own page leaves the item out.
    const others = results(await similar('db-01 磁盘空间不足', `&exclude=${disk.id}`));
    expect(others.map((item) => item.id)).not.toContain(disk.id);
  });

  it('follows edits', async () => {
    const task = await createTask2('Printer on floor 3 is jammed');
    const patched = await rest.call(
      'PATCH',
      `${base}/tasks/${task.id}`,
      { title: 'Kafka consumer lag on the orders topic' },
      'member'
    );
    expect(patched.status, patched.text).toBe(200);
    const found = await eventually(
      async () => results(await similar('kafka 消费者积压', '&limit=1')),
      (items) => items[0]?.id === task.id
    );
    expect(found[0]?.title).toBe('Kafka consumer lag on the orders topic');
  });

  it('validates the query', async () => {
    for (const query of [
      '',
      '?text=',
      '?text=x&limit=0',
      '?text=x&limit=51',
      '?text=x&type=user'
    ]) {
      const reply = await rest.call('GET', `${base}/ai/similar${query}`);
      expect(reply.status, query).toBe(400);
      expect(errorShape.parse(reply.body).error.code).toBe('invalid_input');
    }
  });

  it('answers last time, the index status and a rebuild (admins)', async () => {
    const last = await rest.call(
      'GET',
      `${base}/ai/last-time?text=${encodeURIComponent('mysql replication lag')}`,
      undefined,
      'viewer'
    );
    expect(last.status, last.text).toBe(200);
    expect(Object.keys(last.body as object)).toEqual(['lastTime']);

    expect((await rest.call('GET', `${base}/ai/index`, undefined, 'member')).status).toBe(403);
    const started = await rest.call('POST', `${base}/ai/index/rebuild`, undefined, 'admin');
    expect(started.status, started.text).toBe(202);
    const status = await eventually(
      async () =>
        indexStatusSchema.parse(
          (await rest.call('GET', `${base}/ai/index`, undefined, 'admin')).body
        ),
      (s) => s.rebuild.state === 'done'
    );
    expect(status.embedderId).toMatch(/^lexical-/);
    expect(status.items).toBeGreaterThanOrEqual(6);
    expect(status.rebuild.done).toBe(status.rebuild.total);
  });
});
