/**
 * [ONCE1]–[ONCE3] Once across nodes (docs/ARCHITECTURE.md): two full runtimes in this process
 * on one PostgreSQL database and the shared Redis (a unique prefix), both holding one board.
 * What an update causes (activity, task keys, mirror rows, archive moves) is made once, by the
 * node where the update was made; the other node only follows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AI_REFRESH_DELAY_MS } from '../../src/lib/server/ai/ai-service';
import type { DatabaseTarget } from '../../src/lib/server/db/records';
import type { Runtime } from '../../src/lib/server/runtime';
import {
  createTask,
  listTasks,
  moveTask,
  updateTask
} from '../../src/lib/shared/board/board-model';
import { cmdbDocName } from '../../src/lib/shared/doc-name';
import { seedWorkspace } from '../helpers/accounts';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { databaseTargetFor } from '../helpers/database';
import { uniqueRedisPrefix } from '../helpers/redis';
import { startRuntimeNode } from '../helpers/cluster';
import { tempDataDir } from '../helpers/sync-server';

const DAY = 24 * 60 * 60 * 1000;
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

async function startNodes(workspaceId: string, clock: { now: number }) {
  const dataDir = tempDataDir('runboard-once-');
  const target = (await databaseTargetFor(dataDir, 'postgres')) as DatabaseTarget & {
    databaseUrl: string;
  };
  const { owner } = await seedWorkspace(dataDir, workspaceId, ['owner'], target);
  const prefix = uniqueRedisPrefix();
  const nodes: Node[] = [];
  // One after another: the first one migrates the fresh database.
  for (let i = 0; i < 2; i++) {
    const node = await startRuntimeNode(dataDir, target, prefix, {
      // Each node holds the board throughout, as with clients on both.
      limits: { unloadDelayMs: 600_000 },
      archive: { now: () => clock.now, intervalMs: 3_600_000 }
    });
    cleanups.push(() => node.close());
    nodes.push(node);
  }
  const board = `${workspaceId}.board`;
  // Both nodes hold the board, and hear each other.
  for (const node of nodes) await node.runtime.docStore.read(board, () => undefined);
  for (const node of nodes) {
    await waitFor(() => node.runtime.fanout!.figures.peers > 0, 10_000, 'peers heard');
  }
  return { nodes, token: owner!.token, ownerId: owner!.userId, board };
}

function connect(node: Node, doc: string, token: string): TestClient {
  const client = connectClient(node.wsUrl, doc, { params: { token } });
  clients.push(client);
  return client;
}

/** Counts the calls of `object[method]` (a store's write) from now on. */
function spy<T extends object>(object: T, method: keyof T & string): { calls: unknown[][] } {
  const original = (object[method] as (...args: unknown[]) => unknown).bind(object);
  const record = { calls: [] as unknown[][] };
  (object as Record<string, unknown>)[method] = (...args: unknown[]) => {
    record.calls.push(args);
    return original(...args);
  };
  return record;
}

/** Waits until the async `predicate` holds (waitFor's is synchronous). */
async function until(predicate: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function activity(runtime: Runtime, workspaceId: string, taskId: string) {
  await runtime.activityRecorder.flush();
  const page = await runtime.taskActivity.page(workspaceId, taskId, { limit: 100, offset: 0 });
  return page.entries.map((entry) => entry.action);
}

describe('once across nodes', () => {
  it("[ONCE1] a card created, edited and moved through node A: one key, its activity once, rows by A only, B's AI index follows", async () => {
    const clock = { now: Date.now() };
    const { nodes, token, board } = await startNodes('once1', clock);
    const [a, b] = nodes as [Node, Node];
    // Both nodes hold the workspace's AI index in memory (a search loads it).
    for (const node of nodes) {
      await node.runtime.ai.similar('once1', { text: 'anything', limit: 5 });
      await node.runtime.ai.refreshNow('once1');
    }
    // The look again after a first load (a local refresh, ai-service.ts) passes first.
    await settle(AI_REFRESH_DELAY_MS + 1_000);
    for (const node of nodes) await node.runtime.cardMirror.settled();
    const mirrorOnB = spy(b.runtime.taskCards, 'apply');
    const aiRowsOnA = spy(a.runtime.aiStore, 'upsert');
    const aiRowsOnB = spy(b.runtime.aiStore, 'upsert');
    const client = connect(a, board, token);
    await whenSynced(client);
    await waitFor(() => client.doc.getMap('columns').size > 0, 5_000, 'columns');
    const id = createTask(client.doc, { title: 'created on A' }).id;
    const keyOf = (runtime: Runtime) =>
      runtime.docStore.read(board, (doc) => listTasks(doc).find((t) => t.id === id)?.key ?? null);
    await until(async () => (await keyOf(b.runtime)) !== null, 5_000, 'key on B');
    updateTask(client.doc, id, { title: 'edited on A' });
    moveTask(client.doc, id, { status: 'in-progress' });
    // Long enough for every node's extensions (keys, activity, the mirror) to have reacted.
    await settle(1_500);
    for (const node of nodes) await node.runtime.cardMirror.settled();
    const key = await keyOf(a.runtime);
    expect(await keyOf(b.runtime)).toBe(key);
    const actions = await activity(a.runtime, 'once1', id);
    await b.runtime.activityRecorder.flush();
    expect(actions.filter((x) => x === 'created')).toHaveLength(1);
    expect(actions.filter((x) => x === 'key_assigned')).toHaveLength(1);
    expect(actions.filter((x) => x === 'updated')).toHaveLength(1);
    expect(actions.filter((x) => x === 'moved')).toHaveLength(1);
    // The card's row is A's to write; B wrote none for it.
    expect((await a.runtime.taskCards.find('once1', id))?.title).toBe('edited on A');
    expect(mirrorOnB.calls).toHaveLength(0);
    // The AI index: A writes the row, B only follows in memory (it finds the card too).
    const found = (runtime: Runtime) =>
      runtime.ai
        .similar('once1', { text: 'edited on A', limit: 5 })
        .then((hits) => hits.some((hit) => hit.id === id));
    await until(() => found(a.runtime), 10_000, 'card in the AI index on A');
    await until(() => found(b.runtime), 10_000, 'card in the AI index on B');
    expect(aiRowsOnA.calls.length).toBeGreaterThan(0);
    expect(aiRowsOnB.calls).toHaveLength(0);
    // One number spent: the next task gets the next one.
    const next = await a.runtime.board.createTask('once1', { title: 'next' }, null);
    expect(Number(next.key!.split('-')[1])).toBe(Number(key!.split('-')[1]) + 1);
  });

  it('[ONCE4] a CMDB edit through node A: its history recorded once, its row written by A', async () => {
    const clock = { now: Date.now() };
    const { nodes, ownerId } = await startNodes('once4', clock);
    const [a, b] = nodes as [Node, Node];
    const name = cmdbDocName('once4');
    for (const node of nodes) await node.runtime.docStore.read(name, () => undefined);
    // Past the load's own full write (a write racing the other node's is repeated, doc-mirror.ts).
    for (const node of nodes) await node.runtime.cmdbMirror.settled();
    const historyOnB = spy(b.runtime.cmdbStore, 'addHistory');
    const mirrorOnB = spy(b.runtime.cmdbStore, 'apply');
    const item = await a.runtime.cmdb.create('once4', ownerId, { type: 'host', name: 'db-1' });
    await a.runtime.cmdb.update('once4', ownerId, item.id, { name: 'db-2' });
    await until(
      async () =>
        (await b.runtime.docStore.read(name, (doc) => doc.toJSON()['items']?.[item.id])) !==
        undefined,
      5_000,
      'item on B'
    );
    await settle(1_500);
    for (const node of nodes) await node.runtime.cmdbMirror.settled();
    const history = await a.runtime.cmdbStore.history('once4', item.id);
    expect(history.filter((entry) => entry.action === 'created')).toHaveLength(1);
    expect(history.filter((entry) => entry.action === 'updated')).toHaveLength(1);
    expect(
      historyOnB.calls.filter(([, entries]) => (entries as unknown[]).length > 0)
    ).toHaveLength(0);
    expect(mirrorOnB.calls).toHaveLength(0);
    expect((await b.runtime.cmdbStore.get('once4', item.id))?.name).toBe('db-2');
  });

  it('[ONCE2] 200 concurrent task creations across two nodes: 200 cards, 200 distinct keys', async () => {
    const clock = { now: Date.now() };
    const { nodes, board } = await startNodes('once2', clock);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        nodes[i % 2]!.runtime.board.createTask('once2', { title: `t${i}` }, null)
      )
    );
    await settle(1_500);
    for (const node of nodes) {
      const tasks = await node.runtime.docStore.read(board, (doc) => listTasks(doc));
      expect(tasks).toHaveLength(200);
      const keys = tasks.map((t) => t.key);
      expect(keys.every((k) => k !== null)).toBe(true);
      expect(new Set(keys).size).toBe(200);
    }
    // No number spent twice: the highest is 200.
    const next = await nodes[0]!.runtime.board.createTask('once2', { title: 'next' }, null);
    expect(next.key!.endsWith('-201')).toBe(true);
  });

  it('[ONCE3] an archive sweep on both nodes moves each finished task once', async () => {
    const clock = { now: Date.now() };
    const { nodes, board } = await startNodes('once3', clock);
    const [a, b] = nodes as [Node, Node];
    const old = new Date(clock.now - 40 * DAY);
    await a.runtime.docStore.transact(board, (doc) => {
      for (let i = 0; i < 30; i++)
        createTask(doc, { title: `done ${i}`, status: 'done' }, { now: old });
    });
    await until(
      async () => (await b.runtime.docStore.read(board, (doc) => listTasks(doc).length)) === 30,
      5_000,
      'tasks on B'
    );
    await settle(500);
    const [ra, rb] = await Promise.all([
      a.runtime.archiver.sweep(board),
      b.runtime.archiver.sweep(board)
    ]);
    expect(ra.moved + rb.moved).toBeGreaterThanOrEqual(30);
    await settle(500);
    for (const node of nodes) {
      expect(await node.runtime.docStore.read(board, (doc) => listTasks(doc).length)).toBe(0);
    }
    expect((await a.runtime.archive.list('once3', { limit: 100 })).total).toBe(30);
    // A sweep again on either node moves and deletes nothing.
    for (const node of nodes) {
      const again = await node.runtime.archiver.sweep(board);
      expect(again.moved).toBe(0);
    }
    expect((await b.runtime.archive.list('once3', { limit: 100 })).total).toBe(30);
  });

  it('[ONCE5] an offline edit sent to node B of a task node A archived meanwhile is kept in its row', async () => {
    const clock = { now: Date.now() };
    const { nodes, token, board } = await startNodes('once5', clock);
    const [a, b] = nodes as [Node, Node];
    const old = new Date(clock.now - 40 * DAY);
    const ids = await a.runtime.docStore.transact(board, (doc) =>
      [0, 1, 2].map((i) => createTask(doc, { title: `done ${i}`, status: 'done' }, { now: old }).id)
    );
    const client = connect(b, board, token);
    await whenSynced(client);
    await waitFor(() => listTasks(client.doc).length === 3, 5_000, 'tasks on the client');
    client.provider.disconnect();
    expect((await a.runtime.archiver.sweep(board)).moved).toBe(3);
    await until(
      async () => (await b.runtime.docStore.read(board, (doc) => listTasks(doc).length)) === 0,
      5_000,
      'the sweep on B'
    );
    // B remembers the entries A moved, from their rows.
    await b.runtime.archiver.settled(board);
    updateTask(client.doc, ids[0]!, { title: 'edited offline' });
    client.provider.connect();
    await whenSynced(client);
    await until(
      async () => (await a.runtime.archive.get('once5', ids[0]!))?.task.title === 'edited offline',
      10_000,
      'the edit in the archived row'
    );
    expect(await b.runtime.docStore.read(board, (doc) => listTasks(doc).length)).toBe(0);
  });
});
