/**
 * [KEY2] Keyless tasks are numbered once across nodes: tasks an offline client made (no key) sit
 * in the stored board, and two nodes on one PostgreSQL database and Redis load the board at the
 * same moment. Each task gets exactly one key — the same on both nodes, never replaced by
 * another, one `key_assigned` activity — and no number is spent twice: the next task created
 * gets the number after them. A number given by a node that stopped before writing it is
 * written by the next node that loads the board.
 */
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseTarget } from '../../src/lib/server/db/records';
import { TASK_KEY_ADOPT_AFTER_MS } from '../../src/lib/server/board/board-extension';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { createTask, initBoard, listTasks } from '../../src/lib/shared/board/board-model';
import { seedWorkspace } from '../helpers/accounts';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { databaseTargetFor } from '../helpers/database';
import { uniqueRedisPrefix } from '../helpers/redis';
import { tempDataDir } from '../helpers/sync-server';
import { startRuntimeNode } from '../helpers/cluster';

const TASKS = 40;
const clients: TestClient[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Node {
  runtime: Runtime;
  wsUrl: string;
}

type Target = DatabaseTarget & { databaseUrl: string };

/** A fresh PostgreSQL database with workspace `ws` seeded. */
async function freshDatabase(ws: string) {
  const dataDir = tempDataDir(`runboard-keys-${ws}-`);
  const target = (await databaseTargetFor(dataDir, 'postgres')) as Target;
  const { owner } = await seedWorkspace(dataDir, ws, ['owner'], target);
  return { dataDir, target, token: owner!.token };
}

/** A node on `target` and the shared Redis (`prefix`), holding what it loads. */
async function startNode(dataDir: string, target: Target, prefix: string): Promise<Node> {
  const node = await startRuntimeNode(dataDir, target, prefix, {
    limits: { unloadDelayMs: 600_000 }
  });
  cleanups.push(() => node.close());
  return node;
}

/**
 * Appends to the stored board what an offline client's edits become: a board (as a node sets
 * it up) and `count` tasks made without a key. Returns the tasks' ids.
 */
async function storeKeylessTasks(target: Target, board: string, count: number): Promise<string[]> {
  const { records, documents } = await openDatabase(target, {
    logger: createLogger('error'),
    poolSize: 1
  });
  try {
    const doc = new Y.Doc();
    initBoard(doc);
    const setup = Y.encodeStateAsUpdate(doc);
    const before = Y.encodeStateVector(doc);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(createTask(doc, { title: `offline ${i}` }).id);
    await documents.append(board, [setup, Y.encodeStateAsUpdate(doc, before)]);
    return ids;
  } finally {
    await records.close();
  }
}

/** Every key value each task of `doc` is seen to take from now on (a replaced key shows). */
function watchKeys(doc: Y.Doc): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  const note = () => {
    for (const task of listTasks(doc)) {
      if (task.key === null) continue;
      const keys = seen.get(task.id) ?? new Set<string>();
      keys.add(task.key);
      seen.set(task.id, keys);
    }
  };
  note();
  doc.getMap('tasks').observeDeep(note);
  return seen;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function keysOn(node: Node, board: string): Promise<Map<string, string | null>> {
  return node.runtime.docStore.read(
    board,
    (doc) => new Map(listTasks(doc).map((t) => [t.id, t.key]))
  );
}

async function expectNumberedOnce(
  nodes: Node[],
  ws: string,
  board: string,
  ids: string[],
  seen: Map<string, Set<string>>[]
) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const maps = await Promise.all(nodes.map((node) => keysOn(node, board)));
    if (maps.every((m) => ids.every((id) => typeof m.get(id) === 'string'))) break;
    if (Date.now() > deadline) throw new Error('timed out waiting for every task to get a key');
    await settle(50);
  }
  // Let any second numbering arrive before looking.
  await settle(1_500);
  const [a, b = a] = await Promise.all(nodes.map((node) => keysOn(node, board)));
  const keys = ids.map((id) => a!.get(id)!);
  expect(new Set(keys).size).toBe(ids.length);
  for (const id of ids) expect(b!.get(id), id).toBe(a!.get(id));
  // Never replaced: each task took one key value on each node, ever.
  for (const watched of seen) {
    for (const id of ids) expect([...(watched.get(id) ?? [])], id).toEqual([a!.get(id)]);
  }
  // One key_assigned activity per task, written by one node.
  for (const id of ids.slice(0, 5)) {
    await Promise.all(nodes.map((node) => node.runtime.activityRecorder.flush()));
    const page = await nodes[0]!.runtime.taskActivity.page(ws, id, { limit: 100, offset: 0 });
    expect(
      page.entries.filter((e) => e.action === 'key_assigned'),
      id
    ).toHaveLength(1);
  }
  // No number spent twice (no crash here, so no gap either): the next task takes N + 1.
  const next = await nodes[0]!.runtime.board.createTask(ws, { title: 'next' }, null);
  expect(next.key).toBe(`OPS-${ids.length + 1}`);
  expect(keys.map((k) => Number(k.split('-')[1])).sort((x, y) => x - y)).toEqual(
    Array.from({ length: ids.length }, (_, i) => i + 1)
  );
}

describe('task keys across nodes', () => {
  it('[KEY2] keyless tasks in the store, two nodes loading the board at once: one key each', async () => {
    const ws = 'keys2a';
    const board = `${ws}.board`;
    const { dataDir, target } = await freshDatabase(ws);
    const ids = await storeKeylessTasks(target, board, TASKS);
    const prefix = uniqueRedisPrefix();
    // One after another (the first migrates), then both load the board at the same moment.
    const nodes = [
      await startNode(dataDir, target, prefix),
      await startNode(dataDir, target, prefix)
    ];
    const seen: Map<string, Set<string>>[] = [];
    await Promise.all(
      nodes.map((node) =>
        node.runtime.docStore.read(board, (doc) => {
          seen.push(watchKeys(doc));
        })
      )
    );
    await expectNumberedOnce(nodes, ws, board, ids, seen);
  });

  it('[KEY2] a number given before a crash (row, no key in the board) is written on the next load', async () => {
    const ws = 'keys2c';
    const board = `${ws}.board`;
    const { dataDir, target } = await freshDatabase(ws);
    const ids = await storeKeylessTasks(target, board, 3);
    const prefix = uniqueRedisPrefix();
    const node = await startNode(dataDir, target, prefix);
    // What a node that died between giving the numbers and writing them left behind.
    const given = await node.runtime.boardStore.assignTaskNumbers(ws, ids);
    expect([...given.values()].map((g) => g.number)).toEqual([1, 2, 3]);
    const seen: Map<string, Set<string>>[] = [];
    await node.runtime.docStore.read(board, (doc) => {
      seen.push(watchKeys(doc));
    });
    // Left to the node that gave them for TASK_KEY_ADOPT_AFTER_MS, then written here.
    await settle(TASK_KEY_ADOPT_AFTER_MS / 2);
    expect([...(await keysOn(node, board)).values()]).toEqual([null, null, null]);
    await expectNumberedOnce([node], ws, board, ids, seen);
  });

  it('[KEY2] an offline client’s keyless tasks reach node A while node B loads the board', async () => {
    const ws = 'keys2b';
    const board = `${ws}.board`;
    const { dataDir, target, token } = await freshDatabase(ws);
    const prefix = uniqueRedisPrefix();
    const nodes = [
      await startNode(dataDir, target, prefix),
      await startNode(dataDir, target, prefix)
    ];
    const [a, b] = nodes as [Node, Node];
    // A client of A syncs the board, goes offline, makes tasks, and comes back.
    const client = connectClient(a.wsUrl, board, { params: { token } });
    clients.push(client);
    await whenSynced(client);
    await waitFor(() => client.doc.getMap('columns').size > 0, 5_000, 'columns');
    client.provider.disconnect();
    const ids: string[] = [];
    for (let i = 0; i < TASKS; i++) ids.push(createTask(client.doc, { title: `c${i}` }).id);
    const seen: Map<string, Set<string>>[] = [];
    await a.runtime.docStore.read(board, (doc) => {
      seen.push(watchKeys(doc));
    });
    client.provider.connect();
    // B loads the board while A receives and numbers them.
    await settle(5);
    await b.runtime.docStore.read(board, (doc) => {
      seen.push(watchKeys(doc));
    });
    await expectNumberedOnce(nodes, ws, board, ids, seen);
  });
});
