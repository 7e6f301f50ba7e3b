/**
 * [GEN5] `npm run admin -- compact-board --workspace W` rebases a stored board (server stopped):
 * the stored document shrinks to its content, keeps it, and its old generation is recorded as
 * retired. Runs on SQLite, and on PostgreSQL with RUNBOARD_TEST_DATABASE=postgres.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocumentGenerations } from '../../src/lib/server/db/document-generations';
import type { OpenedDatabase } from '../../src/lib/server/db/records';
import { createTask, initBoard, listTasks } from '../../src/lib/shared/board/board-model';
import { generationOf } from '../../sync-server/generations';
import { runAdmin } from '../helpers/admin-cli';
import { databaseEnvFor, openTestDatabase } from '../helpers/database';
import { tempDataDir } from '../helpers/sync-server';

const opened: OpenedDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.records.close();
});

describe('admin compact-board', () => {
  it('[GEN5] rebases the stored board of a workspace and records the retired generation', async () => {
    const dataDir = tempDataDir('runboard-compact-');
    const env = { DATA_DIR: dataDir, ...(await databaseEnvFor(dataDir)) };
    const user = await runAdmin(
      ['create-user', '--email', 'a@example.com', '--name', 'A', '--password-stdin'],
      env,
      'correct horse battery staple\n'
    );
    expect(user.code).toBe(0);
    const ws = await runAdmin(
      ['create-workspace', '--name', 'Ops', '--owner', 'a@example.com', '--id', 'ops'],
      env
    );
    expect(ws.code, ws.stderr).toBe(0);

    const db = await openTestDatabase(dataDir);
    opened.push(db);
    const doc = new Y.Doc();
    initBoard(doc);
    createTask(doc, { title: 'kept' });
    const tasks = doc.getMap<unknown>('tasks');
    doc.transact(() => {
      for (let i = 0; i < 3_000; i++) tasks.set(`gone-${i}`, `finished ${i}`);
    });
    doc.transact(() => {
      for (let i = 0; i < 3_000; i++) tasks.delete(`gone-${i}`);
    });
    await db.documents.append('ops.board', [Y.encodeStateAsUpdate(doc)]);
    const before = Y.encodeStateAsUpdate(doc).byteLength;

    const run = await runAdmin(['compact-board', '--workspace', 'ops'], env);
    expect(run.code, run.stderr).toBe(0);
    const after = Number(run.stdout.trim());
    expect(after).toBeLessThan(before / 5);

    const stored = await db.documents.load('ops.board');
    const reloaded = new Y.Doc();
    Y.applyUpdate(reloaded, stored.snapshot!);
    expect(stored.updates).toHaveLength(0);
    expect(listTasks(reloaded).map((t) => t.title)).toEqual(['kept']);
    const retired = await new DocumentGenerations(db.records).list('ops.board');
    expect(retired.map((r) => r.generation)).toEqual([generationOf(reloaded)]);
    expect([...Y.decodeStateVector(retired[0]!.stateVector).keys()]).toEqual([doc.clientID]);

    const missing = await runAdmin(['compact-board', '--workspace', 'nope'], env);
    expect(missing.code).toBe(1);
  });
});
