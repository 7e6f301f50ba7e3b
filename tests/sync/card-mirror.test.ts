/**
 * [CARD1], [CARD3], [CARD5] (and [CARD2], [CARD4] in tests/records/task-cards-store.test.ts):
 * the live board's cards as records (board/card-mirror.ts), kept by the server from the board it
 * holds: live edits, keys and removed entries are written a moment later; a board loaded in the
 * state the rows were written from is not written again, one changed behind their back is
 * written in full, and the archive's sweep on load removes what it moves. A real sync server in
 * this process, stock y-websocket clients, and the run's database.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createTask, getTask, updateTask } from '../../src/lib/shared/board/board-model';
import { waitFor, type TestClient } from '../helpers/clients';
import { openTestDatabase } from '../helpers/database';
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

function start(dataDir: string, now?: () => number): Promise<TestSyncServer> {
  return startSyncServer({
    dataDir,
    onAuthenticate: userFromQuery,
    limits: { unloadDelayMs: 50 },
    ...(now ? { archive: { now } } : {})
  });
}

function connect(srv: TestSyncServer, doc: string): Promise<TestClient> {
  return connectBoard(srv, clients, doc, 'ada');
}

/** Polls the mirrored card of `ref` until `predicate` holds. */
async function cardWhen(
  srv: TestSyncServer,
  ws: string,
  ref: string,
  predicate: (card: Awaited<ReturnType<TestSyncServer['runtime']['taskCards']['find']>>) => boolean,
  what: string
) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const card = await srv.runtime.taskCards.find(ws, ref);
    if (predicate(card)) return card;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(card)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function mirroredAt(srv: TestSyncServer, ws: string): Promise<number | null> {
  const row = await srv.runtime.records.db
    .selectFrom('task_card_mirrors')
    .select('mirrored_at')
    .where('workspace_id', '=', ws)
    .executeTakeFirst();
  return row ? Number(row.mirrored_at) : null;
}

describe('task card mirror', () => {
  it('[CARD1] edits, keys and removed entries of a live board are written', async () => {
    run.server = await start(tempDataDir('runboard-card1-'));
    const ada = await connect(run.server, 'card1.board');
    const first = createTask(ada.doc, { title: 'Rotate keys' });
    const second = createTask(ada.doc, { title: 'Renew certificate 证书' });
    await waitFor(() => getTask(ada.doc, second.id)?.key != null, 3_000, 'keys');
    const key = getTask(ada.doc, first.id)?.key as string;
    // The server's key reaches the rows, found by key in any case.
    const card = await cardWhen(run.server, 'card1', key.toLowerCase(), (c) => c !== null, 'card');
    expect(card).toEqual(getTask(ada.doc, first.id));
    updateTask(ada.doc, first.id, { title: 'Rotate keys on db-1', status: 'in-progress' });
    await cardWhen(
      run.server,
      'card1',
      first.id,
      (c) => c?.title === 'Rotate keys on db-1' && c.status === 'in-progress',
      'the edit'
    );
    ada.doc.getMap('tasks').delete(second.id);
    await cardWhen(run.server, 'card1', second.id, (c) => c === null, 'the removal');
    expect(await run.server.runtime.taskCards.find('card1', key)).toEqual(
      getTask(ada.doc, first.id)
    );
  });

  it('[CARD3] a board loaded as mirrored is not written again; one changed behind the rows is', async () => {
    const dataDir = tempDataDir('runboard-card3-');
    run.server = await start(dataDir);
    const ada = await connect(run.server, 'card3.board');
    const task = createTask(ada.doc, { title: 'Patch kernel' });
    await waitFor(() => getTask(ada.doc, task.id)?.key != null, 3_000, 'key');
    await cardWhen(run.server, 'card3', task.id, (c) => c?.key != null, 'card');
    ada.destroy();
    await waitFor(() => !run.server!.runtime.docStore.isLoaded('card3.board'), 3_000, 'unload');
    await run.server.runtime.cardMirror.settled();
    const written = await mirroredAt(run.server, 'card3');
    expect(written).not.toBeNull();

    // Loaded again as it was: the check finds the rows current and writes nothing.
    await run.server.runtime.docStore.read('card3.board', () => undefined);
    await new Promise((r) => setTimeout(r, 400));
    await run.server.runtime.cardMirror.settled();
    expect(await mirroredAt(run.server, 'card3')).toBe(written);
    await run.server.stop();
    run.server = null;

    // An edit that reached the stored board without the mirror (as after a crash before the
    // write): the next load writes every card again.
    const opened = await openTestDatabase(dataDir);
    const stored = new Y.Doc();
    const { snapshot, updates } = await opened.documents.load('card3.board');
    for (const update of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(stored, update);
    const before = Y.encodeStateVector(stored);
    updateTask(stored, task.id, { title: 'Patch kernel 6.12' });
    await opened.documents.append('card3.board', [Y.encodeStateAsUpdate(stored, before)]);
    await opened.records.close();

    run.server = await start(dataDir);
    await run.server.runtime.docStore.read('card3.board', () => undefined);
    await cardWhen(
      run.server,
      'card3',
      task.id,
      (c) => c?.title === 'Patch kernel 6.12',
      'the full write'
    );
    expect(await mirroredAt(run.server, 'card3')).toBeGreaterThan(written as number);
  });

  it('[CARD5] a task the archive moves out when the board loads leaves the rows', async () => {
    const dataDir = tempDataDir('runboard-card5-');
    run.server = await start(dataDir);
    const ada = await connect(run.server, 'card5.board');
    const done = createTask(ada.doc, { title: 'Renewed the certificate', status: 'done' });
    const open = createTask(ada.doc, { title: 'Still open' });
    await waitFor(() => getTask(ada.doc, done.id)?.key != null, 3_000, 'key');
    await cardWhen(run.server, 'card5', done.id, (c) => c?.status === 'done', 'card');
    ada.destroy();
    await waitFor(() => !run.server!.runtime.docStore.isLoaded('card5.board'), 3_000, 'unload');
    await run.server.runtime.cardMirror.settled();
    await run.server.stop();
    run.server = null;

    // A month later the board loads again: the sweep moves the finished task to the archive.
    run.server = await start(dataDir, () => Date.now() + 30 * 24 * 60 * 60 * 1000);
    await run.server.runtime.docStore.read('card5.board', () => undefined);
    await cardWhen(run.server, 'card5', done.id, (c) => c === null, 'the moved card gone');
    expect(await run.server.runtime.archive.find('card5', done.id)).not.toBeNull();
    expect((await run.server.runtime.taskCards.find('card5', open.id))?.title).toBe('Still open');
  });
});
