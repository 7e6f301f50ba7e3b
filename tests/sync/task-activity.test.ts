/**
 * [ACT1]–[ACT4] Task activity is a server fact: recorded as rows from the transactions the
 * server applies, attributed to the user behind each connection, never read from the document.
 * A real sync server in this process, stock y-websocket clients, and the run's database
 * (SQLite, or PostgreSQL with RUNBOARD_TEST_DATABASE=postgres).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TaskActivityStore } from '../../src/lib/server/board/activity-store';
import {
  addComment,
  assignTaskKey,
  createTask,
  getTask,
  initBoard,
  listTasks,
  updateTask
} from '../../src/lib/shared/board/board-model';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { openTestDatabase } from '../helpers/database';
import { readStoredDoc } from '../helpers/store';
import {
  connectBoard,
  startSyncServer,
  tempDataDir,
  userFromQuery,
  useSyncServer,
  type TestSyncServer
} from '../helpers/sync-server';

const run = useSyncServer();
const { clients } = run;

function start(dataDir: string, port?: number): Promise<TestSyncServer> {
  return startSyncServer({ dataDir, port, onAuthenticate: userFromQuery });
}

function connect(srv: TestSyncServer, doc: string, user: string): Promise<TestClient> {
  return connectBoard(srv, clients, doc, user);
}

function taskMapOf(doc: Y.Doc, id: string): Y.Map<unknown> {
  return doc.getMap('tasks').get(id) as Y.Map<unknown>;
}

async function rows(srv: TestSyncServer, ws: string, taskId: string) {
  return (await srv.runtime.taskActivity.page(ws, taskId, { limit: 1000, offset: 0 })).entries;
}

/** Polls the rows of a task until `predicate` holds. */
async function rowsWhen(
  srv: TestSyncServer,
  ws: string,
  taskId: string,
  predicate: (entries: Awaited<ReturnType<typeof rows>>) => boolean,
  what: string
) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const entries = await rows(srv, ws, taskId);
    if (predicate(entries)) return entries;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(entries)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('task activity', () => {
  it('[ACT1] each change is recorded for the user behind its connection', async () => {
    run.server = await start(tempDataDir('runboard-act1-'));
    const ada = await connect(run.server, 'act1.board', 'ada');
    const bob = await connect(run.server, 'act1.board', 'bob');
    const task = createTask(ada.doc, { title: 'Rotate keys' }, { actor: 'bob' }); // a claimed actor
    await waitFor(() => getTask(bob.doc, task.id)?.key != null, 3_000, 'key on bob');
    updateTask(bob.doc, task.id, { priority: 'high', status: 'in-progress' }, { actor: 'ada' });
    // Comments live in the task's own document; bob writes there.
    const bobContent = connectClient(run.server.wsUrl, `act1.task.${task.id}`, {
      params: { user: 'bob' }
    });
    clients.push(bobContent);
    await whenSynced(bobContent);
    await waitFor(() => bobContent.doc.getMap('task').has('comments'), 3_000, 'task document');
    addComment(bobContent.doc, 'On it', { actor: 'bob' });
    const entries = await rowsWhen(
      run.server,
      'act1',
      task.id,
      (e) => e.some((entry) => entry.action === 'commented'),
      'the comment row'
    );
    expect(
      entries.map((e) => [e.action, e.by, e.field ?? null, e.from ?? null, e.to ?? null])
    ).toEqual([
      ['created', 'ada', null, null, null],
      ['key_assigned', null, null, null, 'OPS-1'],
      ['updated', 'bob', 'priority', 'none', 'high'],
      ['moved', 'bob', null, 'backlog', 'in-progress'],
      ['commented', 'bob', null, null, null]
    ]);
    for (const entry of entries) {
      expect(entry.taskId).toBe(task.id);
      expect(Date.parse(entry.at)).toBeGreaterThan(Date.now() - 60_000);
    }
    // Nothing of it is in the document.
    expect(taskMapOf(ada.doc, task.id).has('activity')).toBe(false);
  });

  it('[ACT2] an activity array written by a client is never read, and is removed', async () => {
    run.server = await start(tempDataDir('runboard-act2-'));
    const mallory = await connect(run.server, 'act2.board', 'mallory');
    const task = createTask(mallory.doc, { title: 'Audit' });
    await waitFor(() => getTask(mallory.doc, task.id)?.key != null, 3_000, 'key');
    // An old client (or a forger) appends "history" to the task.
    const forged = new Y.Array<unknown>();
    mallory.doc.transact(() => {
      taskMapOf(mallory.doc, task.id).set('activity', forged);
      forged.push([
        { at: '2020-01-01T00:00:00.000Z', by: 'ceo', action: 'archived' },
        { at: '2020-01-01T00:00:00.000Z', by: 'ceo', action: 'commented' }
      ]);
    });
    // The server removes the array from the document (every replica loses it) …
    await waitFor(
      () => !taskMapOf(mallory.doc, task.id).has('activity'),
      3_000,
      'forged array removed'
    );
    // … and records nothing of it: only what mallory really did.
    updateTask(mallory.doc, task.id, { title: 'Audit logs' });
    const entries = await rowsWhen(
      run.server,
      'act2',
      task.id,
      (e) => e.some((entry) => entry.field === 'title'),
      'the title row'
    );
    expect(entries.map((e) => [e.action, e.by])).toEqual([
      ['created', 'mallory'],
      ['key_assigned', null],
      ['updated', 'mallory']
    ]);
    const detail = await run.server.runtime.taskActivity.latest('act2', task.id, 500);
    expect(detail.some((e) => e.by === 'ceo')).toBe(false);
  });

  it('[ACT3] old in-document activity becomes rows once, with its original at and by', async () => {
    const dataDir = tempDataDir('runboard-act3-');
    // A board written by the previous version: tasks carry `activity` arrays.
    const old = new Y.Doc();
    initBoard(old);
    createTask(old, { title: 'Legacy' }, { id: 'legacy1' });
    createTask(old, { title: 'No log' }, { id: 'legacy2' });
    assignTaskKey(old, 'legacy1', 1);
    assignTaskKey(old, 'legacy2', 2);
    const log = new Y.Array<unknown>();
    taskMapOf(old, 'legacy1').set('activity', log);
    log.push([
      { at: '2024-05-01T10:00:00.000Z', by: 'ada', action: 'created' },
      {
        at: '2024-05-01T11:00:00.000Z',
        by: 'bob',
        action: 'updated',
        field: 'priority',
        from: 'none',
        to: 'high'
      },
      'junk',
      { at: '2024-05-02T09:00:00.000Z', by: null, action: 'key_assigned', to: 'OPS-1' }
    ]);
    const opened = await openTestDatabase(dataDir);
    await opened.documents.append('act3.board', [Y.encodeStateAsUpdate(old)]);
    await opened.records.close();

    run.server = await start(dataDir);
    const port = run.server.port;
    const client = await connect(run.server, 'act3.board', 'ada');
    expect(
      listTasks(client.doc)
        .map((t) => t.id)
        .sort()
    ).toEqual(['legacy1', 'legacy2']);
    // Removed from the document by the server on load.
    expect(taskMapOf(client.doc, 'legacy1').has('activity')).toBe(false);
    const expected = [
      ['2024-05-01T10:00:00.000Z', 'ada', 'created', null, null, null],
      ['2024-05-01T11:00:00.000Z', 'bob', 'updated', 'priority', 'none', 'high'],
      ['2024-05-02T09:00:00.000Z', null, 'key_assigned', null, null, 'OPS-1']
    ];
    const shape = (entries: Awaited<ReturnType<typeof rows>>) =>
      entries.map((e) => [e.at, e.by, e.action, e.field ?? null, e.from ?? null, e.to ?? null]);
    expect(shape(await rows(run.server, 'act3', 'legacy1'))).toEqual(expected);
    expect(await rows(run.server, 'act3', 'legacy2')).toEqual([]);

    // A restart finds an array written while the server was down: it imports nothing again
    // (the workspace is marked imported) and removes it.
    client.destroy();
    await run.server.stop();
    const stored = await readStoredDoc(dataDir, 'act3.board');
    const updates: Uint8Array[] = [];
    stored.on('update', (update: Uint8Array) => updates.push(update));
    const forged = Y.Array.from([{ at: '2020-01-01T00:00:00.000Z', by: 'x', action: 'archived' }]);
    taskMapOf(stored, 'legacy2').set('activity', forged);
    const reopened = await openTestDatabase(dataDir);
    await reopened.documents.append('act3.board', updates);
    await reopened.records.close();
    run.server = await start(dataDir, port);
    const again = await connect(run.server, 'act3.board', 'ada');
    expect(taskMapOf(again.doc, 'legacy2').has('activity')).toBe(false);
    expect(shape(await rows(run.server, 'act3', 'legacy1'))).toEqual(expected);
    expect(await rows(run.server, 'act3', 'legacy2')).toEqual([]);
  });

  it('[ACT4] a clean shutdown writes every recorded entry before the database closes', async () => {
    const dataDir = tempDataDir('runboard-act4-');
    run.server = await start(dataDir);
    const port = run.server.port;
    const client = await connect(run.server, 'act4.board', 'ada');
    const ids: string[] = [];
    client.doc.transact(() => {
      for (let i = 0; i < 50; i++) ids.push(createTask(client.doc, { title: `t${i}` }).id);
    });
    // Stop as soon as the server has the update (the client hears its keys back).
    await waitFor(
      () => ids.every((id) => getTask(client.doc, id)?.key != null),
      5_000,
      'keys of the burst'
    );
    client.destroy();
    await run.server.stop();
    run.server = null;
    const opened = await openTestDatabase(dataDir);
    try {
      const store = new TaskActivityStore(opened.records);
      for (const id of ids) {
        const entries = (await store.page('act4', id, { limit: 10, offset: 0 })).entries;
        expect(entries.map((e) => [e.action, e.by])).toEqual([
          ['created', 'ada'],
          ['key_assigned', null]
        ]);
      }
    } finally {
      await opened.records.close();
    }
    run.server = await start(dataDir, port);
  });
});
