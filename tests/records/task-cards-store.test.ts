/**
 * The live board's cards as records (board/card-mirror.ts) on both databases: found by id or by
 * key in any case (an id wins), changed and removed in one write with the board's state vector,
 * replaced as a whole, kept per workspace, and a row that no longer reads as a card is none.
 * [CARD2] The mirror's extension writes what is pending when the board unloads.
 */
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import {
  TaskCardStore,
  boardState,
  cardMirrorExtension,
  type CardMirrorExtension
} from '../../src/lib/server/board/card-mirror';
import { createLogger, type Logger } from '../../src/lib/server/log';
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

/** `mirror` watching `doc` as the board of workspace `ws`, as the DocStore loads one. */
function loadBoard(mirror: CardMirrorExtension, doc: Y.Doc): CardMirrorExtension {
  const parsed = parseDocName('ws.board');
  if (!parsed.ok) throw new Error('bad name');
  void mirror.onLoad?.({ name: 'ws.board', docName: parsed.name, doc, requestRebase: () => {} });
  return mirror;
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`task card store (${backend.name})`, () => {
    test('finds a card by id or by key in any case, per workspace', async () => {
      const { records } = await openTestRecords(backend.name);
      const store = new TaskCardStore(records);
      const { doc, tasks } = cards(3);
      const vector = Y.encodeStateVector(doc);
      expect(await store.state('ws')).toBeNull();
      await store.replaceAll('ws', tasks, vector);
      expect(await store.find('ws', tasks[1]!.id)).toEqual(tasks[1]);
      expect(await store.find('ws', 'ops-2')).toEqual(tasks[1]);
      expect(await store.find('ws', 'OPS-3')).toEqual(tasks[2]);
      expect(await store.find('ws', 'OPS-4')).toBeNull();
      expect(await store.find('ws', '')).toBeNull();
      expect(await store.find('other', 'OPS-2')).toBeNull();
      expect(await store.state('ws')).toEqual(vector);
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
      await store.apply(
        'ws',
        { cards: [renamed], removed: [...removed.slice(10), 'gone'] },
        vector
      );
      expect(await store.find('ws', 'OPS-9999')).toEqual(renamed);
      expect(await store.find('ws', 'OPS-6')).toBeNull();
      expect(await store.find('ws', tasks[20]!.id)).toBeNull();
      expect(await store.find('ws', tasks[9]!.id)).toEqual(tasks[9]);
      expect(await store.find('ws', tasks[1199]!.id)).toEqual(tasks[1199]);
      expect(await store.state('ws')).toEqual(vector);
      // Without a state the stored one stays; null forgets it.
      await store.apply('ws', { cards: [], removed: ['none'] });
      expect(await store.state('ws')).toEqual(vector);
      await store.apply('ws', { cards: [], removed: [] }, null);
      expect(await store.state('ws')).toBeNull();
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
      const load = (doc: Y.Doc) =>
        // Writes wait a minute: only the unload can write them here.
        loadBoard(cardMirrorExtension({ store, logger, delayMs: 60_000 }), doc);
      const { doc, tasks } = cards(2);
      // Dropped before its check (a rebase on load): nothing is written, the next load decides.
      const dropped = new Y.Doc();
      Y.applyUpdate(dropped, Y.encodeStateAsUpdate(doc));
      let mirror = load(dropped);
      dropped.destroy();
      await mirror.settled();
      expect(await store.find('ws', 'OPS-1')).toBeNull();
      expect(await store.state('ws')).toBeNull();
      // Never mirrored: the check writes every card; the unload what changed since.
      mirror = load(doc);
      await mirror.settled();
      expect(await store.find('ws', 'OPS-2')).toEqual(tasks[1]);
      updateTask(doc, tasks[0]!.id, { title: 'Before the unload' });
      doc.destroy();
      await mirror.settled();
      expect((await store.find('ws', 'OPS-1'))?.title).toBe('Before the unload');
      expect(await store.find('ws', 'OPS-2')).toEqual(tasks[1]);
      expect(await store.state('ws')).toEqual(boardState(doc));

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
      expect(await store.state('ws')).toEqual(boardState(again));
    });

    test('[CARD4] a failed write is followed by a full one; an unload after a failure forgets the state', async () => {
      const { records } = await openTestRecords(backend.name);
      const store = new TaskCardStore(records);
      // Failures are logged, not thrown; kept here instead of printed.
      const logged: string[] = [];
      const logger: Logger = {
        debug: () => {},
        info: () => {},
        warn: () => {},
        error: (message) => logged.push(message)
      };
      let failures = 1;
      let slowMs = 0;
      // The real store, whose next `apply` fails once (a busy or lost database).
      const flaky: Pick<TaskCardStore, 'state' | 'replaceAll' | 'apply'> = {
        state: (ws) => store.state(ws),
        replaceAll: (ws, cards, state) => store.replaceAll(ws, cards, state),
        apply: async (ws, changes, state) => {
          if (failures-- > 0) {
            await new Promise((r) => setTimeout(r, slowMs));
            throw new Error('database is locked');
          }
          return store.apply(ws, changes, state);
        }
      };
      const { doc, tasks } = cards(3);
      await store.replaceAll('ws', tasks, boardState(doc));
      const mirror = loadBoard(
        cardMirrorExtension({ store: flaky, logger, delayMs: 5, retryDelayMs: 20 }),
        doc
      );
      await mirror.settled();
      // The delete fails; the full write that follows removes the row.
      doc.getMap('tasks').delete(tasks[0]!.id);
      await new Promise((r) => setTimeout(r, 20));
      await mirror.settled();
      await new Promise((r) => setTimeout(r, 60));
      await mirror.settled();
      expect(await store.find('ws', 'OPS-1')).toBeNull();
      expect(await store.state('ws')).toEqual(boardState(doc));

      // A failed write still running when the board unloads: the unload's write (queued behind
      // it) forgets the stored state, so the next load writes everything again.
      failures = 1;
      slowMs = 40;
      updateTask(doc, tasks[1]!.id, { title: 'Lost write' });
      await new Promise((r) => setTimeout(r, 15));
      updateTask(doc, tasks[2]!.id, { title: 'Written at the unload' });
      doc.destroy();
      await mirror.settled();
      expect((await store.find('ws', 'OPS-3'))?.title).toBe('Written at the unload');
      expect(await store.state('ws')).toBeNull();
      expect(logged).toEqual([
        'board: writing of task cards failed',
        'board: writing of task cards failed'
      ]);
    });
  });
}
