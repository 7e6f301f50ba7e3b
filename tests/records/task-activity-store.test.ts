/**
 * Task activity records on both databases: appended in order (also many within one
 * millisecond), paged oldest first, the newest for the task detail, values of every JSON type
 * kept, and the import of old in-document logs done once (a repeated import writes nothing).
 */
import { describe, expect, test } from 'vitest';
import {
  TaskActivityStore,
  importedActivityId,
  newActivityId,
  type ActivityRecord
} from '../../src/lib/server/board/activity-store';
import type { ActivityEntry } from '../../src/lib/shared/board/schema';
import { openTestRecords, recordsBackends } from '../helpers/records';

const AT = '2025-03-01T10:00:00.000Z';

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`task activity store (${backend.name})`, () => {
    test('appends in order, pages oldest first, and keeps every kind of value', async () => {
      const store = new TaskActivityStore((await openTestRecords(backend.name)).records);
      const records: ActivityRecord[] = [
        { taskId: 't', at: AT, by: 'u1', action: 'created' },
        ...Array.from({ length: 300 }, (_, i): ActivityRecord => ({
          taskId: 't',
          at: AT,
          by: 'u2',
          action: 'updated',
          field: 'progress',
          from: i,
          to: i + 1
        })),
        { taskId: 't', at: AT, by: null, action: 'key_assigned', to: 'OPS-1' },
        { taskId: 'other', at: AT, by: 'u1', action: 'created' }
      ];
      await store.append('ws', records.slice(0, 150));
      await store.append('ws', records.slice(150));
      await store.append('ws2', [{ taskId: 't', at: AT, by: 'x', action: 'archived' }]);
      await store.append('ws', [
        {
          taskId: 't',
          at: '2025-03-01T10:00:01.000Z',
          by: 'u3',
          action: 'updated',
          field: 'title',
          from: 'Ünïcode 数据库, "quoted"',
          to: null
        },
        { taskId: 't', at: '2025-03-01T10:00:02.000Z', by: 'u3', action: 'archived' },
        { taskId: 't', at: '2025-03-01T10:00:03.000Z', by: 'u3', action: 'updated', to: true }
      ]);
      const all = await store.page('ws', 't', { limit: 1000, offset: 0 });
      expect(all.total).toBe(305);
      expect(all.entries[0]).toMatchObject({ taskId: 't', at: AT, by: 'u1', action: 'created' });
      // Written within one millisecond, read back in the order written.
      expect(all.entries.slice(1, 301).map((e) => e.to)).toEqual(
        Array.from({ length: 300 }, (_, i) => i + 1)
      );
      expect(all.entries.slice(-4).map(({ id: _id, taskId: _t, ...e }) => e)).toEqual([
        { at: AT, by: null, action: 'key_assigned', to: 'OPS-1' },
        {
          at: '2025-03-01T10:00:01.000Z',
          by: 'u3',
          action: 'updated',
          field: 'title',
          from: 'Ünïcode 数据库, "quoted"',
          to: null
        },
        { at: '2025-03-01T10:00:02.000Z', by: 'u3', action: 'archived' },
        { at: '2025-03-01T10:00:03.000Z', by: 'u3', action: 'updated', to: true }
      ]);
      const page = await store.page('ws', 't', { limit: 2, offset: 303 });
      expect(page.total).toBe(305);
      expect(page.entries.map((e) => e.action)).toEqual(['archived', 'updated']);
      const latest = await store.latest('ws', 't', 3);
      expect(latest).toEqual(all.entries.slice(-3));
      expect((await store.page('ws2', 't', { limit: 10, offset: 0 })).total).toBe(1);
      expect((await store.page('ws', 'nope', { limit: 10, offset: 0 })).entries).toEqual([]);
    });

    test('imports old logs once, with their at and by, and never twice', async () => {
      const store = new TaskActivityStore((await openTestRecords(backend.name)).records);
      const logs = new Map<string, ActivityEntry[]>([
        [
          'a',
          [
            { at: '2024-01-01T00:00:00.000Z', by: 'ada', action: 'created' },
            { at: '2024-01-02T00:00:00.000Z', by: null, action: 'key_assigned', to: 'OPS-1' }
          ]
        ],
        ['b', []]
      ]);
      expect(await store.isImported('ws')).toBe(false);
      expect(await store.importLegacy('ws', logs)).toBe(true);
      expect(await store.isImported('ws')).toBe(true);
      expect(await store.importLegacy('ws', logs)).toBe(false);
      const rows = (await store.page('ws', 'a', { limit: 10, offset: 0 })).entries;
      expect(rows.map((e) => [e.id, e.at, e.by, e.action])).toEqual([
        [importedActivityId('a', 0), '2024-01-01T00:00:00.000Z', 'ada', 'created'],
        [importedActivityId('a', 1), '2024-01-02T00:00:00.000Z', null, 'key_assigned']
      ]);
      // Another workspace is its own import; an empty board is marked too.
      expect(await store.importLegacy('ws3', new Map())).toBe(true);
      expect(await store.isImported('ws3')).toBe(true);
    });
  });
}

test('new ids sort in the order they are made, within one millisecond too', () => {
  const ids = Array.from({ length: 1000 }, () => newActivityId(1_700_000_000_000));
  const later = newActivityId(1_700_000_000_001);
  expect([...ids].sort()).toEqual(ids);
  expect(later > ids.at(-1)!).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
});
