/**
 * [GEN] Rebasing a document (docs/ARCHITECTURE.md, "Rebasing a document"): a board that carried
 * thousands of deleted entries is replaced by a fresh generation with the same content; clients
 * holding the old generation are closed and refused with DocumentReset, nothing of their state
 * reaches the server, server writes made meanwhile are kept, and all of it survives a restart.
 * Runs on SQLite, and on PostgreSQL with RUNBOARD_TEST_DATABASE=postgres.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { copyMapRoots, tombstoneEstimate } from '../../sync-server/doc-copy';
import { generationOf } from '../../sync-server/generations';
import {
  createTask,
  getTaskDetail,
  initBoard,
  listColumns,
  listLabels,
  listTasks,
  readBoardMeta,
  updateTask,
  upsertLabel
} from '../../src/lib/shared/board/board-model';
import { boardTombstones, copyBoard, rebaseBoard } from '../../src/lib/server/board/board-rebase';
import { tasksWithBoardContent } from '../../src/lib/server/board/board-layout-migration';
import { CloseCode } from '../../src/lib/shared/sync-protocol';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { openTestDatabase } from '../helpers/database';
import { startSyncServer, tempDataDir, useSyncServer } from '../helpers/sync-server';
import { DocumentGenerations } from '../../src/lib/server/db/document-generations';

const run = useSyncServer();
const { clients } = run;

const WS = 'gen';
const DOC = `${WS}.board`;

/** Everything the board model reads of a board, as plain data. */
function boardView(doc: Y.Doc) {
  const tasks = listTasks(doc).map((task) => getTaskDetail(doc, task.id));
  return {
    meta: readBoardMeta(doc),
    columns: listColumns(doc),
    labels: listLabels(doc),
    tasks: tasks.sort((a, b) => (a!.id < b!.id ? -1 : 1))
  };
}

/**
 * A board with content of every kind it holds: labels, links, and descriptions (a `Y.Text` in
 * the card until the server moves it to the task document).
 */
function seedBoard(doc: Y.Doc, count = 5): string[] {
  initBoard(doc);
  upsertLabel(doc, { id: 'sev1', name: 'Sev 1', color: '#cc0000' });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const task = createTask(doc, {
      title: `task ${i}`,
      description: `line one of ${i}\nline two`,
      labels: i % 2 === 0 ? ['sev1'] : [],
      priority: 'high',
      kind: i === 0 ? 'incident' : 'task'
    });
    ids.push(task.id);
  }
  updateTask(doc, ids[0]!, { links: [{ type: 'ci', target: 'https://ci.example/1' }] });
  return ids;
}

/** Sets then deletes `count` entries of the root tasks map: what moving tasks out leaves. */
function churn(doc: Y.Doc, count: number): void {
  doc.transact(() => {
    const tasks = doc.getMap<unknown>('tasks');
    for (let i = 0; i < count; i++) {
      const map = new Y.Map<unknown>();
      tasks.set(`gone-${i}`, map);
      map.set('title', `finished ${i}`);
      map.set('status', 'done');
    }
  });
  doc.transact(() => {
    const tasks = doc.getMap<unknown>('tasks');
    for (let i = 0; i < count; i++) tasks.delete(`gone-${i}`);
  });
}

/** Close codes a stock provider saw. */
function closeCodes(client: TestClient): number[] {
  const codes: number[] = [];
  client.provider.on('connection-close', (event) => {
    if (event) codes.push(event.code);
  });
  return codes;
}

/** Client ids of a doc's state vector. */
function clientIds(doc: Y.Doc): number[] {
  return [...Y.decodeStateVector(Y.encodeStateVector(doc)).keys()];
}

describe('document rebase', () => {
  it('[GEN1] copyBoard copies every root, nested map, array and text, tasks compact: the model reads the same', () => {
    const source = new Y.Doc();
    seedBoard(source, 8);
    // A legacy nested array and a formatted text survive too (generic copy).
    const first = source.getMap<Y.Map<unknown>>('tasks').values().next().value!;
    const legacy = new Y.Array<unknown>();
    legacy.push([{ at: 'x', action: 'created' }, 3, 'three']);
    first.set('activity', legacy);
    const target = new Y.Doc();
    copyBoard(source, target);
    expect(boardView(target)).toEqual(boardView(source));
    // Every field that holds something is copied; unset ones (null) and the redundant `id` are
    // left out of the compact entries.
    const held = (tasks: Record<string, Record<string, unknown>>) =>
      Object.fromEntries(
        Object.entries(tasks).map(([id, fields]) => [
          id,
          Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== null && k !== 'id'))
        ])
      );
    const copied = target.getMap('tasks').toJSON();
    expect(copied).toEqual(held(source.getMap('tasks').toJSON()));
    for (const fields of Object.values(copied) as Record<string, unknown>[]) {
      expect(fields).not.toHaveProperty('id');
      expect(Object.values(fields)).not.toContain(null);
    }
    // No item of the source's client in the copy.
    expect(clientIds(target)).toEqual([target.clientID]);

    const rich = new Y.Doc();
    const text = new Y.Text();
    rich.getMap('root').set('text', text);
    text.insert(0, 'bold plain', {});
    text.format(0, 4, { bold: true });
    const copy = new Y.Doc();
    copyMapRoots(rich, copy, ['root']);
    expect((copy.getMap('root').get('text') as Y.Text).toDelta()).toEqual(text.toDelta());
  });

  it('[GEN2] a board with 10,000 deleted entries shrinks to about a fresh board; content identical; fresh clients sync', async () => {
    run.server = await startSyncServer();
    const { docStore } = run.server.runtime;
    const ids = await docStore.transact(DOC, (doc) => seedBoard(doc));
    await docStore.transact(DOC, (doc) => churn(doc, 10_000));
    // The server moves the descriptions written into the cards to the task documents first.
    let moved = false;
    await waitFor(
      () => {
        void docStore
          .read(DOC, (doc) => tasksWithBoardContent(doc).length === 0)
          .then((done) => {
            moved = done;
          });
        return moved;
      },
      10_000,
      'descriptions moved to the task documents'
    );
    const before = await docStore.read(DOC, (doc) => boardView(doc));
    const estimate = await boardTombstones(docStore, WS);
    expect(estimate.deletedItems).toBeGreaterThanOrEqual(10_000);

    // The size of the same content never churned.
    const reference = new Y.Doc();
    copyBoard(await docStore.read(DOC, (doc) => doc), reference);
    const freshSize = Y.encodeStateAsUpdate(reference).byteLength;

    const result = await rebaseBoard(docStore, WS);
    expect(result.bytesBefore).toBeGreaterThan(freshSize + 10_000 * 20);
    expect(result.bytesAfter).toBeLessThan(freshSize + 200);
    const after = await docStore.read(DOC, (doc) => ({
      view: boardView(doc),
      generation: generationOf(doc),
      estimate: tombstoneEstimate(doc)
    }));
    expect(after.view).toEqual(before);
    expect(after.generation).toBe(result.generation);
    expect(after.estimate.deletedItems).toBeLessThan(10);
    expect(ids).toHaveLength(5);

    // What is stored is the fresh generation: reloaded from storage, same content and size.
    const stored = await run.server.runtime.storage.load(DOC);
    expect(stored.updates).toHaveLength(0);
    expect(stored.snapshot!.byteLength).toBeLessThan(freshSize + 200);

    const fresh = connectClient(run.server.wsUrl, DOC);
    clients.push(fresh);
    await whenSynced(fresh);
    expect(boardView(fresh.doc)).toEqual(before);
    createTask(fresh.doc, { title: 'after the rebase' });
    await waitFor(
      () => listTasks(fresh.doc).some((t) => t.title === 'after the rebase' && t.key !== null),
      10_000,
      'a new task numbered by the server'
    );
  });

  it('[GEN3] a connected client is closed with DocumentReset; its old copy is refused on every reconnect, also after a restart, and nothing of it reaches the server', async () => {
    const dataDir = tempDataDir('runboard-gen-');
    run.server = await startSyncServer({ dataDir });
    const port = run.server.port;
    const old = connectClient(run.server.wsUrl, DOC);
    clients.push(old);
    const codes = closeCodes(old);
    await whenSynced(old);
    await waitFor(() => old.doc.getMap('columns').size > 0, 3_000, 'columns');
    seedBoard(old.doc, 3);
    churn(old.doc, 500);
    await waitFor(
      () => listTasks(old.doc).every((t) => t.key !== null) && listTasks(old.doc).length === 3,
      5_000,
      'keys'
    );
    await run.server.runtime.docStore.flushAll();
    const retired = new Set(clientIds(old.doc));

    const { docStore } = run.server.runtime;
    const result = await rebaseBoard(docStore, WS);
    expect(result.closedConnections).toBe(1);
    await waitFor(() => codes.includes(CloseCode.DocumentReset), 5_000, 'reset close');
    expect(codes[0]).toBe(CloseCode.DocumentReset);

    // 44xx is final for the stock provider; reconnecting by hand with the old copy, now with
    // an offline edit too, is refused every time.
    createTask(old.doc, { title: 'made on the old copy' });
    for (let attempt = 2; attempt <= 3; attempt++) {
      await waitFor(() => !old.provider.wsconnected && !old.provider.wsconnecting, 5_000, 'closed');
      old.provider.connect();
      await waitFor(() => codes.length >= attempt, 5_000, 'repeated refusals');
    }
    expect(codes.every((code) => code === CloseCode.DocumentReset)).toBe(true);
    const server = await docStore.read(DOC, (doc) => ({
      ids: clientIds(doc),
      titles: listTasks(doc).map((t) => t.title)
    }));
    expect(server.ids.some((id) => retired.has(id))).toBe(false);
    expect(server.titles).not.toContain('made on the old copy');
    expect(server.titles).toHaveLength(3);

    // After a restart the retired generation is still refused (records, not memory).
    old.provider.disconnect();
    await run.server.stop();
    run.server = await startSyncServer({ dataDir, port });
    const before = codes.length;
    old.provider.connect();
    await waitFor(() => codes.length > before, 5_000, 'refusal after restart');
    expect(codes.at(-1)).toBe(CloseCode.DocumentReset);
    old.provider.disconnect();
    const afterRestart = await run.server.runtime.docStore.read(DOC, (doc) => clientIds(doc));
    expect(afterRestart.some((id) => retired.has(id))).toBe(false);

    // A fresh client syncs normally and its edits are kept.
    const fresh = connectClient(run.server.wsUrl, DOC);
    clients.push(fresh);
    const freshCodes = closeCodes(fresh);
    await whenSynced(fresh);
    expect(listTasks(fresh.doc)).toHaveLength(3);
    createTask(fresh.doc, { title: 'fresh edit' });
    await waitFor(
      () => listTasks(fresh.doc).some((t) => t.title === 'fresh edit' && t.key !== null),
      5_000,
      'fresh edit numbered'
    );
    expect(freshCodes).toEqual([]);
  });

  it('[GEN4] server writes made while the rebase runs wait and are kept', async () => {
    run.server = await startSyncServer();
    const { docStore } = run.server.runtime;
    await docStore.transact(DOC, (doc) => seedBoard(doc, 2));
    await docStore.transact(DOC, (doc) => churn(doc, 20_000));
    const rebasing = rebaseBoard(docStore, WS);
    // A client that connects while the rebase runs waits for it and gets the fresh document.
    const joining = connectClient(run.server.wsUrl, DOC);
    clients.push(joining);
    const joiningCodes = closeCodes(joining);
    const writes = [
      docStore.transact(DOC, (doc) => createTask(doc, { title: 'same tick' })),
      new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        docStore.transact(DOC, (doc) => createTask(doc, { title: 'next turn' }))
      ),
      new Promise<void>((resolve) => setTimeout(resolve, 5)).then(() =>
        docStore.transact(DOC, (doc) => createTask(doc, { title: 'later' }))
      )
    ];
    const result = await rebasing;
    await Promise.all(writes);
    const titles = await docStore.read(DOC, (doc) => listTasks(doc).map((t) => t.title));
    expect(titles).toEqual(expect.arrayContaining(['same tick', 'next turn', 'later']));
    expect(titles).toHaveLength(5);
    // Stored, not only in memory.
    const stored = await run.server.runtime.storage.load(DOC);
    const reloaded = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(reloaded, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(reloaded, update);
    expect(listTasks(reloaded)).toHaveLength(5);
    expect(generationOf(reloaded)).toBe(result.generation);
    await whenSynced(joining);
    await waitFor(() => listTasks(joining.doc).length === 5, 5_000, 'joining client content');
    expect(generationOf(joining.doc)).toBe(result.generation);
    expect(joiningCodes).toEqual([]);
  });

  it('[GEN3] a rebase that stopped between recording the retired generation and storing the fresh document refuses nobody', async () => {
    const dataDir = tempDataDir('runboard-gen-stale-');
    run.server = await startSyncServer({ dataDir });
    const port = run.server.port;
    const client = connectClient(run.server.wsUrl, DOC);
    clients.push(client);
    const codes = closeCodes(client);
    await whenSynced(client);
    await waitFor(() => client.doc.getMap('columns').size > 0, 3_000, 'columns');
    createTask(client.doc, { title: 'still here' });
    await waitFor(() => listTasks(client.doc)[0]?.key != null, 5_000, 'key');
    client.provider.disconnect();
    await run.server.stop();
    run.server = null;

    // What a crash right after `generations.add` leaves: a record, and the old document stored.
    const db = await openTestDatabase(dataDir);
    try {
      await new DocumentGenerations(db.records).add(DOC, {
        generation: 'never-stored',
        stateVector: Y.encodeStateVector(client.doc),
        retiredAt: Date.now()
      });
    } finally {
      await db.records.close();
    }

    run.server = await startSyncServer({ dataDir, port });
    client.provider.connect();
    await whenSynced(client);
    createTask(client.doc, { title: 'after the restart' });
    // Numbered by the server: the edit reached it, and came back.
    await waitFor(
      () => listTasks(client.doc).filter((t) => t.key !== null).length === 2,
      8_000,
      'the new task numbered by the server'
    );
    const titles = await run.server.runtime.docStore.read(DOC, (doc) =>
      listTasks(doc).map((t) => t.title)
    );
    expect(titles.sort()).toEqual(['after the restart', 'still here']);
    expect(codes).not.toContain(CloseCode.DocumentReset);
  });
});
