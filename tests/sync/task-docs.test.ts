/**
 * [TDOC1]–[TDOC5] Task documents (`<ws>.task.<id>`, ARCHITECTURE "Board scale"): the server
 * mirrors their content's summaries into the board's cards, records their activity for the
 * user behind each connection, moves content out of old-layout boards on load (in batches,
 * resumable, never copying twice) and moves what an old client still writes into a card.
 * A real sync server in this process, stock y-websocket clients, and the run's database.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  BOARD_LAYOUT,
  CONTENT_COPIED_MARKER,
  LAYOUT_KEY,
  migrateBoardLayout,
  tasksWithBoardContent
} from '../../src/lib/server/board/board-layout-migration';
import {
  addChecklistItem,
  addComment,
  assignTaskKey,
  createTask,
  getTask,
  initBoard,
  readTaskContent,
  setTaskDescription,
  taskContentOf,
  updateChecklistItem
} from '../../src/lib/shared/board/board-model';
import { createLogger } from '../../src/lib/server/log';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { openTestDatabase } from '../helpers/database';
import {
  connectBoard as connectBoardClient,
  startSyncServer,
  tempDataDir,
  userFromQuery,
  useSyncServer,
  type TestSyncServer
} from '../helpers/sync-server';

const run = useSyncServer();
const { clients } = run;

function start(dataDir: string): Promise<TestSyncServer> {
  return startSyncServer({ dataDir, onAuthenticate: userFromQuery });
}

function connectBoard(srv: TestSyncServer, name: string, user: string): Promise<TestClient> {
  return connectBoardClient(srv, clients, name, user);
}

async function connectTask(srv: TestSyncServer, name: string, user: string): Promise<TestClient> {
  const client = connectClient(srv.wsUrl, name, { params: { user } });
  clients.push(client);
  await whenSynced(client);
  await waitFor(() => taskContentOf(client.doc).has('comments'), 3_000, 'task containers');
  return client;
}

/** A board of the previous layout: `count` tasks, each with content inside its entry. */
function oldBoard(count: number): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc);
  doc.transact(() => {
    for (let i = 0; i < count; i++) {
      const id = `t${i}`;
      createTask(doc, { title: `Task ${i}` }, { id });
      assignTaskKey(doc, id, i + 1);
      const entry = doc.getMap('tasks').get(id) as Y.Map<unknown>;
      // What 0.2 wrote: the content in the entry, no summary fields.
      for (const key of ['checklistDone', 'checklistTotal', 'commentCount']) entry.delete(key);
      entry.set('description', new Y.Text(`Description of task ${i}`));
      const checklist = new Y.Map<unknown>();
      entry.set('checklist', checklist);
      for (let k = 0; k < 3; k++) {
        const item = new Y.Map<unknown>();
        checklist.set(`i${k}`, item);
        item.set('text', `Step ${k}`);
        item.set('done', k < i % 4);
        item.set('position', `a${k}`);
        item.set('doneBy', null);
        item.set('doneAt', null);
      }
      const comments = new Y.Map<unknown>();
      entry.set('comments', comments);
      for (let k = 0; k < i % 3; k++) {
        const comment = new Y.Map<unknown>();
        comments.set(`c${k}`, comment);
        comment.set('author', 'ada');
        comment.set('body', `Comment ${k}`);
        comment.set('createdAt', `2024-01-01T00:00:0${k}.000Z`);
        comment.set('editedAt', null);
      }
      const runs = new Y.Map<unknown>();
      entry.set('runs', runs);
      runs.set('rb1/s1', { doneBy: 'ada', doneAt: '2024-01-01T00:00:00.000Z' });
    }
  });
  return doc;
}

function expectMigrated(board: Y.Doc, count: number) {
  expect(tasksWithBoardContent(board)).toEqual([]);
  for (let i = 0; i < count; i++) {
    expect(getTask(board, `t${i}`)).toMatchObject({
      checklistDone: Math.min(3, i % 4),
      checklistTotal: 3,
      commentCount: i % 3,
      description: ''
    });
  }
}

async function expectContent(srv: TestSyncServer, ws: string, i: number) {
  const content = await srv.runtime.docStore.read(`${ws}.task.t${i}`, (doc) =>
    readTaskContent(taskContentOf(doc))
  );
  expect(content.description).toBe(`Description of task ${i}`);
  expect(content.checklist.map((item) => item.text)).toEqual(['Step 0', 'Step 1', 'Step 2']);
  expect(content.comments).toHaveLength(i % 3);
}

describe('task documents', () => {
  it('[TDOC1] summaries of a task document are mirrored into the card', async () => {
    run.server = await start(tempDataDir('runboard-tdoc1-'));
    const ada = await connectBoard(run.server, 'tdoc1.board', 'ada');
    const task = createTask(ada.doc, { title: 'Patch hosts' }, { actor: 'ada' });
    await waitFor(() => getTask(ada.doc, task.id)?.key != null, 3_000, 'key');
    const bob = await connectTask(run.server, `tdoc1.task.${task.id}`, 'bob');
    const a = addChecklistItem(bob.doc, 'Drain', { actor: 'bob' });
    addChecklistItem(bob.doc, 'Patch', { actor: 'bob' });
    updateChecklistItem(bob.doc, a.id, { done: true }, { actor: 'bob' });
    addComment(bob.doc, 'Starting', { actor: 'bob' });
    setTaskDescription(bob.doc, 'Patch every host', { actor: 'bob' });
    await waitFor(
      () => getTask(ada.doc, task.id)?.commentCount === 1,
      3_000,
      'summary in the board'
    );
    expect(getTask(ada.doc, task.id)).toMatchObject({
      checklistDone: 1,
      checklistTotal: 2,
      commentCount: 1,
      // The card does not carry the description any more.
      description: ''
    });
    const entry = ada.doc.getMap('tasks').get(task.id) as Y.Map<unknown>;
    expect(entry.has('checklist') || entry.has('comments') || entry.has('description')).toBe(false);
  });

  it('[TDOC2] activity on a task document is recorded for the user behind each connection', async () => {
    run.server = await start(tempDataDir('runboard-tdoc2-'));
    const ada = await connectBoard(run.server, 'tdoc2.board', 'ada');
    const task = createTask(ada.doc, { title: 'Rotate keys' });
    await waitFor(() => getTask(ada.doc, task.id)?.key != null, 3_000, 'key');
    const name = `tdoc2.task.${task.id}`;
    const adaContent = await connectTask(run.server, name, 'ada');
    const bobContent = await connectTask(run.server, name, 'bob');
    // Claimed actors are ignored: the connection's user is who did it.
    addComment(bobContent.doc, 'On it', { actor: 'bob' });
    addChecklistItem(adaContent.doc, 'Rotate', { actor: 'mallory' });
    setTaskDescription(bobContent.doc, 'Rotate the signing keys', { actor: 'bob' });
    const deadline = Date.now() + 5_000;
    let entries: Awaited<ReturnType<typeof run.server.runtime.taskActivity.page>>['entries'] = [];
    while (Date.now() < deadline) {
      entries = (
        await run.server.runtime.taskActivity.page('tdoc2', task.id, {
          limit: 100,
          offset: 0
        })
      ).entries;
      if (entries.length >= 4) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const content = entries
      .filter((e) => e.action !== 'created' && e.action !== 'key_assigned')
      .map((e) => [e.action, e.by, e.field ?? null]);
    // Two connections: the server applies their updates in the order they arrive.
    expect(content.sort()).toEqual([
      ['checklist_added', 'ada', null],
      ['commented', 'bob', null],
      ['updated', 'bob', 'description']
    ]);
  });

  it('[TDOC3] an old-layout board is migrated on load: content moved, summaries right, idempotent', async () => {
    const dataDir = tempDataDir('runboard-tdoc3-');
    const count = 450; // three batches of 200
    const opened = await openTestDatabase(dataDir);
    await opened.documents.append('tdoc3.board', [Y.encodeStateAsUpdate(oldBoard(count))]);
    await opened.records.close();
    run.server = await start(dataDir);
    const client = await connectBoard(run.server, 'tdoc3.board', 'ada');
    expect(client.doc.getMap('meta').get(LAYOUT_KEY)).toBe(BOARD_LAYOUT);
    expectMigrated(client.doc, count);
    for (const i of [0, 1, 2, 199, 200, 449]) await expectContent(run.server, 'tdoc3', i);
    // Memory bounded: the migration did not leave the task documents loaded.
    expect(run.server.runtime.docStore.loadedCount).toBeLessThan(50);
    // No activity for the move: nothing happened to the tasks.
    const rows = await run.server.runtime.taskActivity.page('tdoc3', 't1', {
      limit: 10,
      offset: 0
    });
    expect(rows.entries.filter((e) => e.action === 'commented')).toEqual([]);

    // A restart changes nothing: the board is at layout 2, nothing is copied again.
    client.destroy();
    await run.server.stop();
    run.server = await start(dataDir);
    const again = await connectBoard(run.server, 'tdoc3.board', 'ada');
    expectMigrated(again.doc, count);
    await expectContent(run.server, 'tdoc3', 2);
  });

  it('[TDOC4] the migration resumes after an interruption and never copies a task twice', async () => {
    run.server = await start(tempDataDir('runboard-tdoc4-'));
    const docs = run.server.runtime.docStore;
    const board = oldBoard(50);
    const logger = createLogger('error');
    // Interrupted after the second batch of 10.
    await expect(
      migrateBoardLayout(board, 'tdoc4.board', 'tdoc4', {
        docs,
        logger,
        batchSize: 10,
        afterBatch: (done) => {
          if (done === 20) throw new Error('crash');
        }
      })
    ).rejects.toThrow('crash');
    expect(tasksWithBoardContent(board)).toHaveLength(30);
    expect(board.getMap('meta').get(LAYOUT_KEY)).toBeUndefined();
    // A crash between a copy and the board's removal: t25 is copied and marked, then edited
    // in its document (a comment deleted) before the restart.
    await docs.transact('tdoc4.task.t25', (doc) => {
      const content = taskContentOf(doc);
      const entry = board.getMap('tasks').get('t25') as Y.Map<unknown>;
      const comments = new Y.Map<unknown>();
      content.set('comments', comments);
      const kept = (entry.get('comments') as Y.Map<unknown>).get('c0') as Y.Map<unknown>;
      const copy = new Y.Map<unknown>();
      comments.set('c0', copy);
      kept.forEach((value, key) => copy.set(key, value));
      content.set(CONTENT_COPIED_MARKER, true);
    });
    await docs.transact('tdoc4.task.t25', (doc) => {
      (taskContentOf(doc).get('comments') as Y.Map<unknown>).delete('c0');
    });
    const moved = await migrateBoardLayout(board, 'tdoc4.board', 'tdoc4', {
      docs,
      logger,
      batchSize: 10
    });
    expect(moved).toBe(30);
    expect(board.getMap('meta').get(LAYOUT_KEY)).toBe(BOARD_LAYOUT);
    expect(tasksWithBoardContent(board)).toEqual([]);
    // t25's deleted comment did not come back; its card counts what its document holds.
    const t25 = await docs.read('tdoc4.task.t25', (doc) => readTaskContent(taskContentOf(doc)));
    expect(t25.comments).toEqual([]);
    expect(getTask(board, 't25')?.commentCount).toBe(0);
    // Every other task has its content once.
    const t4 = await docs.read('tdoc4.task.t4', (doc) => readTaskContent(taskContentOf(doc)));
    expect(t4.checklist).toHaveLength(3);
    expect(t4.comments).toHaveLength(1);
    expect(getTask(board, 't4')).toMatchObject({ checklistTotal: 3, commentCount: 1 });
    // Idempotent.
    expect(
      await migrateBoardLayout(board, 'tdoc4.board', 'tdoc4', { docs, logger, batchSize: 10 })
    ).toBe(0);
  });

  it('[TDOC5] content an old client writes into a card is moved into the task document', async () => {
    run.server = await start(tempDataDir('runboard-tdoc5-'));
    const old = await connectBoard(run.server, 'tdoc5.board', 'ada');
    // An old client creates a task the old way: content inside the entry.
    const task = createTask(old.doc, { title: 'Old way', description: 'Written in the card' });
    const entry = () => old.doc.getMap('tasks').get(task.id) as Y.Map<unknown>;
    old.doc.transact(() => {
      const comments = new Y.Map<unknown>();
      entry().set('comments', comments);
      const comment = new Y.Map<unknown>();
      comments.set('c1', comment);
      comment.set('author', 'ada');
      comment.set('body', 'Old comment');
      comment.set('createdAt', '2024-01-01T00:00:00.000Z');
      comment.set('editedAt', null);
    });
    await waitFor(
      () => !entry().has('description') && !entry().has('comments'),
      3_000,
      'content moved out of the card'
    );
    expect(getTask(old.doc, task.id)?.commentCount).toBe(1);
    const content = await run.server.runtime.docStore.read(`tdoc5.task.${task.id}`, (doc) =>
      readTaskContent(taskContentOf(doc))
    );
    expect(content.description).toBe('Written in the card');
    expect(content.comments.map((c) => c.body)).toEqual(['Old comment']);
  });
});
