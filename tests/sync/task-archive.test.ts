/**
 * [ARC1–ARC6] The archive sweep (server/archive/archive-service.ts): finished tasks past the
 * window leave the live board for `archived_tasks` rows, idempotently and safely with crashes
 * and concurrent edits; an edit a client made offline to a task the server moved meanwhile is
 * applied to its row, or brings the task back when it reopens it; un-archiving restores the
 * card with its id and key.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
  createTask,
  getTask,
  listTasks,
  moveTask,
  updateTask
} from '../../src/lib/shared/board/board-model';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { randomInt, seededRandom } from '../helpers/random';
import { startSyncServer, useSyncServer, type TestSyncServer } from '../helpers/sync-server';

const run = useSyncServer();
const { clients } = run;

const WS = 'arc';
const DOC = `${WS}.board`;
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');

/** A server whose archive clock is `clock.now` (ms), sweeping only when told to. */
async function start(clock: { now: number }, dataDir?: string): Promise<TestSyncServer> {
  run.server = await startSyncServer({
    ...(dataDir ? { dataDir } : {}),
    archive: { now: () => clock.now, intervalMs: 3_600_000, batchSize: 7 }
  });
  return run.server;
}

/** Creates tasks on the server's board at `at`: `done` finished ones and `open` open ones. */
async function seed(server: TestSyncServer, at: number, done: number, open = 0) {
  return server.runtime.docStore.transact(DOC, (doc) => {
    const ids: string[] = [];
    const now = new Date(at);
    for (let i = 0; i < done; i++) {
      ids.push(createTask(doc, { title: `done ${i}`, status: 'done' }, { now }).id);
    }
    for (let i = 0; i < open; i++) {
      ids.push(createTask(doc, { title: `open ${i}`, status: 'todo' }, { now }).id);
    }
    return ids;
  });
}

/** Waits until the server numbered every task (a key written mid-sweep changes the task). */
async function keyed(server: TestSyncServer): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (
    !(await server.runtime.docStore.read(DOC, (doc) =>
      listTasks(doc, { includeArchived: true }).every((t) => t.key !== null)
    ))
  ) {
    if (Date.now() > deadline) throw new Error('tasks not numbered');
    await new Promise((r) => setTimeout(r, 10));
  }
  await server.runtime.activityRecorder.settled(DOC);
}

const liveCount = (server: TestSyncServer) =>
  server.runtime.docStore.read(DOC, (doc) => doc.getMap('tasks').size);

describe('the archive sweep', () => {
  it('[ARC1] moves finished tasks past the window only, in batches, idempotently', async () => {
    const clock = { now: T0 };
    const server = await start(clock);
    const old = await seed(server, T0 - 20 * DAY, 20, 3);
    const recent = await seed(server, T0 - 3 * DAY, 2);
    // Archived (not done) long ago counts too.
    const archivedId = await server.runtime.docStore.transact(DOC, (doc) => {
      const t = createTask(doc, { title: 'archived' }, { now: new Date(T0 - 30 * DAY) });
      updateTask(doc, t.id, { archived: true }, { now: new Date(T0 - 30 * DAY) });
      return t.id;
    });
    await keyed(server);
    const first = await server.runtime.archiver.sweep(DOC);
    expect(first.moved).toBe(21);
    expect(await liveCount(server)).toBe(3 + 2);
    expect(await server.runtime.archive.count(WS)).toBe(21);
    const row = await server.runtime.archive.get(WS, old[0]!);
    expect(row?.task.title).toBe('done 0');
    expect(row?.task.key).toMatch(/^OPS-\d+$/);
    expect(row?.item).not.toBeNull();
    expect(await server.runtime.archive.get(WS, archivedId)).not.toBeNull();
    for (const id of recent) expect(await server.runtime.archive.get(WS, id)).toBeNull();

    // Again: nothing to do, nothing changes.
    const again = await server.runtime.archiver.sweep(DOC);
    expect(again).toEqual({ moved: 0, skipped: 0, staleRows: 0 });
    expect(await server.runtime.archive.count(WS)).toBe(21);

    // Time passes: the recent ones go too.
    clock.now += 15 * DAY;
    expect((await server.runtime.archiver.sweep(DOC)).moved).toBe(2);
    expect(await liveCount(server)).toBe(3);
  });

  it('[ARC2] a crash between row and delete: the live task wins, the next sweep settles it', async () => {
    const clock = { now: T0 };
    const server = await start(clock);
    const [movedId, reopenedId] = await seed(server, T0 - 20 * DAY, 2);
    // As if a sweep wrote rows and died before its transaction: rows of two live tasks.
    const tasks = await server.runtime.docStore.read(DOC, (doc) => listTasks(doc));
    await server.runtime.archive.upsert(
      tasks.map((task) => ({
        workspaceId: WS,
        task,
        finishedAt: task.doneAt!,
        movedAt: new Date(T0).toISOString(),
        item: null,
        itemIds: []
      }))
    );
    // One of them is reopened meanwhile.
    await server.runtime.docStore.transact(DOC, (doc) =>
      moveTask(doc, reopenedId!, { status: 'todo' }, { now: new Date(T0) })
    );
    // Restart (the board is loaded again): the load sweep moves one, drops the other's row.
    const dataDir = server.dataDir;
    await server.stop();
    const again = await start(clock, dataDir);
    expect(await liveCount(again)).toBe(1);
    expect(await again.runtime.archive.get(WS, reopenedId!)).toBeNull();
    expect((await again.runtime.archive.get(WS, movedId!))?.item).not.toBeNull();
  });

  it('[ARC3] a task changed between the read and the delete stays live', async () => {
    const clock = { now: T0 };
    const server = await start(clock);
    const [id] = await seed(server, T0 - 20 * DAY, 1);
    await keyed(server);
    const { archive } = server.runtime;
    // Edit the task right after its row is written, before the delete transaction.
    const upsert = archive.upsert.bind(archive);
    archive.upsert = async (entries) => {
      await upsert(entries);
      await server.runtime.docStore.transact(DOC, (doc) =>
        updateTask(doc, id!, { title: 'changed meanwhile' }, { now: new Date(T0 - 20 * DAY) })
      );
    };
    const result = await server.runtime.archiver.sweep(DOC);
    archive.upsert = upsert;
    expect(result.moved).toBe(0);
    const live = await server.runtime.docStore.read(DOC, (doc) => getTask(doc, id!));
    expect(live?.title).toBe('changed meanwhile');
    expect(await archive.get(WS, id!)).toBeNull();
    // The next sweep moves it, with the change.
    expect((await server.runtime.archiver.sweep(DOC)).moved).toBe(1);
    expect((await archive.get(WS, id!))?.task.title).toBe('changed meanwhile');
  });

  it('[ARC4] an edit made offline to a task archived meanwhile lands in its row', async () => {
    const clock = { now: T0 };
    const server = await start(clock);
    const [id, other] = await seed(server, T0 - 20 * DAY, 2);
    clock.now = T0 - 10 * DAY; // nothing is due yet
    const a = connectClient(server.wsUrl, DOC);
    clients.push(a);
    await whenSynced(a);
    await waitFor(() => a.doc.getMap('tasks').size === 2, 5_000, 'tasks on the client');
    a.provider.disconnect();
    // Offline: a new title and a new assignee on one task, a priority on the other.
    updateTask(a.doc, id!, { title: 'renamed offline', assignee: 'bob' });
    updateTask(a.doc, other!, { priority: 'high' });
    // Meanwhile the server archives both.
    clock.now = T0;
    expect((await server.runtime.archiver.sweep(DOC)).moved).toBe(2);
    a.provider.connect();
    await whenSynced(a);
    await waitFor(() => a.doc.getMap('tasks').size === 0, 5_000, 'the move on the client');
    await server.runtime.archiver.settled(DOC);
    const row = await server.runtime.archive.get(WS, id!);
    expect(row?.task.title).toBe('renamed offline');
    expect(row?.task.assignee).toBe('bob');
    expect((await server.runtime.archive.get(WS, other!))?.task.priority).toBe('high');
  });

  it('[ARC5] an offline edit that reopens an archived task brings it back, with its key', async () => {
    const clock = { now: T0 - 10 * DAY };
    const server = await start(clock);
    const [id] = await seed(server, T0 - 20 * DAY, 1);
    const a = connectClient(server.wsUrl, DOC);
    clients.push(a);
    await whenSynced(a);
    await waitFor(() => getTask(a.doc, id!)?.key != null, 5_000, 'the key on the client');
    const key = getTask(a.doc, id!)!.key;
    a.provider.disconnect();
    moveTask(a.doc, id!, { status: 'in-progress' });
    updateTask(a.doc, id!, { title: 'not done after all' });
    clock.now = T0;
    expect((await server.runtime.archiver.sweep(DOC)).moved).toBe(1);
    a.provider.connect();
    await whenSynced(a);
    await server.runtime.archiver.settled(DOC);
    await waitFor(() => getTask(a.doc, id!)?.status === 'in-progress', 5_000, 'back on board');
    const back = getTask(a.doc, id!)!;
    expect(back.title).toBe('not done after all');
    expect(back.key).toBe(key);
    expect(back.doneAt).toBeNull();
    expect(await server.runtime.archive.get(WS, id!)).toBeNull();
  });

  it('[ARC6] un-archiving brings the card back as it was, and a second client sees it', async () => {
    const clock = { now: T0 };
    const server = await start(clock);
    const [id] = await seed(server, T0 - 20 * DAY, 1, 1);
    await keyed(server);
    expect((await server.runtime.archiver.sweep(DOC)).moved).toBe(1);
    expect(await liveCount(server)).toBe(1);
    const row = await server.runtime.archive.get(WS, id!);
    expect(row).not.toBeNull();
    const a = connectClient(server.wsUrl, DOC);
    clients.push(a);
    await whenSynced(a);
    const back = await server.runtime.archiver.unarchive(WS, row!.task.key!.toLowerCase(), null);
    expect(back?.id).toBe(id);
    expect(back?.key).toBe(row!.task.key);
    expect(back?.status).toBe('done');
    expect(back?.archivedAt).toBeNull();
    expect(await server.runtime.archive.get(WS, id!)).toBeNull();
    await waitFor(() => getTask(a.doc, id!) !== null, 5_000, 'the card on the client');
    // Its history goes on: one "restored", not a second "created".
    await server.runtime.activityRecorder.settled(DOC);
    const actions = (await server.runtime.taskActivity.latest(WS, id!, 50)).map((e) => e.action);
    expect(actions.filter((a) => a === 'created')).toHaveLength(1);
    expect(actions).toContain('restored');
    // Changed just now: the next sweep leaves it for a whole window.
    expect((await server.runtime.archiver.sweep(DOC)).moved).toBe(0);
    expect(await server.runtime.archiver.unarchive(WS, 'OPS-999', null)).toBeNull();
  });

  it('[ARC7] the live board document does not grow with the archive', async () => {
    const clock = { now: T0 };
    const server = await start(clock);
    await seed(server, T0 - 20 * DAY, 300);
    await keyed(server);
    await server.runtime.archiver.sweep(DOC);
    const withArchive = await server.runtime.docStore.read(DOC, (doc) =>
      Y.encodeStateAsUpdate(doc)
    );
    expect(await liveCount(server)).toBe(0);
    // What is left is the deleted entries' ids (a few bytes each), not their content.
    expect(withArchive.byteLength).toBeLessThan(300 * 60);
  });

  it.each([3, 11, 2026])(
    '[ARC8] seed %i: edits, moves, sweeps, un-archiving and reconnects converge; no task is lost',
    async (runSeed) => {
      const rand = seededRandom(runSeed);
      const begin = Date.now();
      const clock = { now: begin };
      const server = await start(clock);
      const ids = await seed(server, begin - 20 * DAY, 12, 6);
      await keyed(server);
      const peers: TestClient[] = [];
      for (let i = 0; i < 3; i++) peers.push(connectClient(server.wsUrl, DOC));
      clients.push(...peers);
      await Promise.all(peers.map((c) => whenSynced(c)));
      await waitFor(() => peers.every((c) => c.doc.getMap('tasks').size === 18), 5_000, 'seed');
      let moved = 0;
      let unarchived = 0;
      for (let step = 0; step < 150; step++) {
        const peer = peers[randomInt(rand, peers.length)]!;
        const roll = rand();
        const id = ids[randomInt(rand, ids.length)]!;
        if (roll < 0.1) {
          if (peer.provider.wsconnected) peer.provider.disconnect();
          else peer.provider.connect();
        } else if (roll < 0.2) {
          moved += (await server.runtime.archiver.sweep(DOC)).moved;
        } else if (roll < 0.25) {
          clock.now += 15 * DAY;
        } else if (roll < 0.3) {
          if (await server.runtime.archiver.unarchive(WS, id, null)) unarchived++;
        } else if (getTask(peer.doc, id) !== null) {
          if (roll < 0.75) updateTask(peer.doc, id, { title: `t${step}` });
          else moveTask(peer.doc, id, { status: rand() < 0.5 ? 'done' : 'todo' });
        }
        if (step % 10 === 0) await new Promise((r) => setTimeout(r, 5));
      }
      for (const peer of peers) if (!peer.provider.wsconnected) peer.provider.connect();
      await Promise.all(peers.map((c) => whenSynced(c)));
      await server.runtime.archiver.settled(DOC);
      const liveOnServer = () =>
        server.runtime.docStore.read(DOC, (doc) =>
          JSON.stringify(listTasks(doc, { includeArchived: true }))
        );
      // Everyone ends with the server's board.
      const deadline = Date.now() + 10_000;
      for (;;) {
        await server.runtime.archiver.settled(DOC);
        const want = await liveOnServer();
        const have = peers.map((c) => JSON.stringify(listTasks(c.doc, { includeArchived: true })));
        if (have.every((h) => h === want)) break;
        if (Date.now() > deadline) expect(have).toEqual(peers.map(() => want));
        await new Promise((r) => setTimeout(r, 50));
      }
      // Every task is exactly once: on the board or in the archive.
      const live = await server.runtime.docStore.read(DOC, (doc) => [
        ...doc.getMap('tasks').keys()
      ]);
      const archived = (await server.runtime.archive.list(WS, { limit: 500 })).items.map(
        (a) => a.task.id
      );
      expect([...live, ...archived].sort()).toEqual([...ids].sort());
      // The run did what it is about.
      expect(moved).toBeGreaterThan(0);
      expect(unarchived).toBeGreaterThan(0);
    },
    60_000
  );
});
