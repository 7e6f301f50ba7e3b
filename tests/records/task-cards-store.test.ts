/**
 * The live board's cards as records (board/card-mirror.ts) on both databases: found by id or by
 * key in any case (an id wins), changed and removed in one write with the board's state vector,
 * replaced as a whole, kept per workspace, and a row that no longer reads as a card is none.
 * [CARD2] The mirror's extension writes what is pending when the board unloads.
 */
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { TaskCardStore, cardMirrorExtension } from '../../src/lib/server/board/card-mirror';
import { createLogger } from '../../src/lib/server/log';
import { parseDocName } from '../../src/lib/shared/doc-name';
import {
  assignTaskKey,
  createTask,
  getTask,
  initBoard,
  updateTask
} from '../../src/lib/shared/board/board-model';
import type { Task } from '../../src/lib/shared/board/schema';
import { openTestRecords, recordsBackends } from '../helpers/records';

function cards(count: number): { doc: Y.Doc; tasks: Task[] } {
  const doc = new Y.Doc();
  initBoard(doc);
  const tasks: Task[] = [];
  for (let i = 0; i < count; i++) {
    const { id } = createTask(doc, { title: `Task ${i} 数据库` });
    assignTaskKey(doc, id, i + 1);
    tasks.push(getTask(doc, id) as Task);
  }
  return { doc, tasks };
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`task card store (${backend.name})`, () => {
    test('finds a card by id or by key in any case, per workspace', async () => {
      const { records } = await openTestRecords(backend.name);
      const store = new TaskCardStore(records);
      const { doc, tasks } = cards(3);
      const vector = Y.encodeStateVector(doc);
      expect(await store.stateVector('ws')).toBeNull();
      await store.replaceAll('ws', tasks, vector);
      expect(await store.find('ws', tasks[1]!.id)).toEqual(tasks[1]);
      expect(await store.find('ws', 'ops-2')).toEqual(tasks[1]);
      expect(await store.find('ws', 'OPS-3')).toEqual(tasks[2]);
      expect(await store.find('ws', 'OPS-4')).toBeNull();
      expect(await store.find('ws', '')).toBeNull();
      expect(await store.find('other', 'OPS-2')).toBeNull();
      expect(await store.stateVector('ws')).toEqual(vector);
    });

    test('an id wins over a key that reads the same', async () => {
      const { records } = await openTestRecords(backend.name);
      const store = new TaskCardStore(records);
      const { doc, tasks } = cards(2);
      // A (made-up) task whose id is another task's key.
      const clash = { ...tasks[0]!, id: 'OPS-2', key: 'OPS-9' };
      await store.replaceAll('ws', [tasks[1]!, clash], Y.encodeStateVector(doc));
      expect((await store.find('ws', 'OPS-2'))?.id).toBe('OPS-2');
      expect((await store.find('ws', 'ops-2'))?.id).toBe(tasks[1]!.id);
    });

    test('applies changes and removals in one write, with the state vector', async () => {
      const { records } = await openTestRecords(backend.name);
      const store = new TaskCardStore(records);
      const { doc, tasks } = cards(1200);
      await store.replaceAll('ws', tasks, Y.encodeStateVector(doc));
      await store.replaceAll('ws2', tasks.slice(0, 1), new Uint8Array([0]));
      const renamed = { ...tasks[5]!, title: 'Renamed 改名', key: 'OPS-9999' };
      const removed = tasks.slice(0, 600).map((t) => t.id);
      const vector = new Uint8Array([1, 2, 3]);
      await store.apply('ws', {
        cards: [renamed],
        removed: [...removed.slice(10), 'gone'],
        stateVector: vector
      });
      expect(await store.find('ws', 'OPS-9999')).toEqual(renamed);
      expect(await store.find('ws', 'OPS-6')).toBeNull();
      expect(await store.find('ws', tasks[20]!.id)).toBeNull();
      expect(await store.find('ws', tasks[9]!.id)).toEqual(tasks[9]);
      expect(await store.find('ws', tasks[1199]!.id)).toEqual(tasks[1199]);
      expect(await store.stateVector('ws')).toEqual(vector);
      // Another workspace's rows are its own.
      expect(await store.find('ws2', tasks[20]!.id)).toBeNull();
      expect(await store.find('ws2', tasks[0]!.id)).toEqual(tasks[0]);
      // Replacing drops what is not in the new set.
      await store.replaceAll('ws', [renamed], new Uint8Array([4]));
      expect(await store.find('ws', tasks[1199]!.id)).toBeNull();
      expect(await store.find('ws', 'ops-9999')).toEqual(renamed);
      expect(await store.find('ws2', tasks[0]!.id)).toEqual(tasks[0]);
    });

    test('a row that no longer reads as a card is none', async () => {
      const { records } = await openTestRecords(backend.name);
      const store = new TaskCardStore(records);
      await records.db
        .insertInto('task_cards')
        .values([
          { workspace_id: 'ws', task_id: 'a', key_upper: 'OPS-1', card: '{"id":"a"}' },
          { workspace_id: 'ws', task_id: 'b', key_upper: 'OPS-2', card: 'not json' }
        ])
        .execute();
      expect(await store.find('ws', 'OPS-1')).toBeNull();
      expect(await store.find('ws', 'b')).toBeNull();
    });

    test('[CARD2] what is pending when the board unloads is written then', async () => {
      const { records } = await openTestRecords(backend.name);
      const store = new TaskCardStore(records);
      const logger = createLogger('error');
      const load = (doc: Y.Doc) => {
        const parsed = parseDocName('ws.board');
        if (!parsed.ok) throw new Error('bad name');
        // Writes wait a minute: only the unload can write them here.
        const mirror = cardMirrorExtension({ store, logger, delayMs: 60_000 });
        void mirror.onLoad?.({
          name: 'ws.board',
          docName: parsed.name,
          doc,
          requestRebase: () => {}
        });
        return mirror;
      };
      const { doc, tasks } = cards(2);
      // Never mirrored: the unload writes every card.
      let mirror = load(doc);
      updateTask(doc, tasks[0]!.id, { title: 'Before the first write' });
      doc.destroy();
      await mirror.settled();
      expect((await store.find('ws', 'OPS-1'))?.title).toBe('Before the first write');
      expect(await store.find('ws', 'OPS-2')).toEqual(tasks[1]);

      // Mirrored as loaded: the unload writes the touched cards.
      const again = new Y.Doc();
      Y.applyUpdate(again, Y.encodeStateAsUpdate(doc));
      mirror = load(again);
      await mirror.settled();
      updateTask(again, tasks[1]!.id, { title: 'Edited just before the unload' });
      again.getMap('tasks').delete(tasks[0]!.id);
      expect((await store.find('ws', 'OPS-2'))?.title).toBe(tasks[1]!.title);
      again.destroy();
      await mirror.settled();
      expect((await store.find('ws', 'OPS-2'))?.title).toBe('Edited just before the unload');
      expect(await store.find('ws', 'OPS-1')).toBeNull();
      expect(await store.stateVector('ws')).toEqual(Y.encodeStateVector(again));
    });
  });
}
