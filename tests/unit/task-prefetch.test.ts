/**
 * The task-document prefetch (src/lib/sync/task-prefetch.ts): which tasks it picks and in what
 * order, and the pool that fetches them: never more than two connections at a time, in order,
 * each closed once synced, skipping documents synced recently or open on a page.
 */
import { describe, expect, it } from 'vitest';
import {
  PREFETCH_CAP,
  PREFETCH_FRESH_MS,
  markTaskSynced,
  pendingTaskIds,
  prefetchCandidates,
  recentTasks,
  rememberViewedTask,
  runPrefetch,
  syncedTimes,
  type PrefetchConnection,
  type PrefetchDeps,
  type PrefetchStorage
} from '../../src/lib/sync/task-prefetch';
import type { Column, Task } from '../../src/lib/shared/board/schema';
import { taskFixture } from '../fixtures/board';

class MemoryStorage implements PrefetchStorage {
  readonly map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const columns: Column[] = [
  { id: 'todo', name: 'To do', position: 'a0', category: 'todo', wipLimit: null },
  { id: 'done', name: 'Done', position: 'a1', category: 'done', wipLimit: null }
];

function task(id: string, fields: Partial<Task> = {}): Task {
  return taskFixture({ ...fields, id });
}

/** A fake opener: each connection syncs when the test resolves it; records what happens. */
function fakeDeps(options: { now?: number; synced?: Record<string, number>; open?: string[] }) {
  let active = 0;
  let maxActive = 0;
  const opened: string[] = [];
  const closed: string[] = [];
  const marked: string[] = [];
  const waiting = new Map<string, (ok: boolean) => void>();
  const deps: PrefetchDeps = {
    open(taskId): PrefetchConnection {
      active++;
      maxActive = Math.max(maxActive, active);
      opened.push(taskId);
      return {
        synced: new Promise<boolean>((resolve) => waiting.set(taskId, resolve)),
        close() {
          active--;
          closed.push(taskId);
        }
      };
    },
    lastSynced: (taskId) => options.synced?.[taskId],
    markSynced: (taskId) => marked.push(taskId),
    isOpen: (taskId) => options.open?.includes(taskId) ?? false,
    now: () => options.now ?? 1_000_000_000
  };
  /** Lets every connection opened so far finish (ok, except `fail`). */
  const settle = async (fail: string[] = []) => {
    for (const [id, resolve] of [...waiting]) {
      waiting.delete(id);
      resolve(!fail.includes(id));
    }
    await new Promise((r) => setTimeout(r, 0));
  };
  return {
    deps,
    opened,
    closed,
    marked,
    settle,
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    }
  };
}

describe('prefetchCandidates', () => {
  it('puts edits waiting first, then recently viewed, assigned open tasks, open incidents', () => {
    const tasks = [
      task('mine', { assignee: 'me' }),
      task('mine-done', { assignee: 'me', status: 'done' }),
      task('mine-archived', { assignee: 'me', archivedAt: '2026-01-02T00:00:00.000Z' }),
      task('incident', { kind: 'incident' }),
      task('incident-done', { kind: 'incident', status: 'done' }),
      task('other'),
      task('seen')
    ];
    const ids = prefetchCandidates({
      tasks,
      columns,
      meId: 'me',
      recent: ['seen', 'gone', 'mine'],
      pending: ['waiting']
    });
    expect(ids).toEqual(['waiting', 'seen', 'mine', 'incident']);
  });

  it(`takes at most the cap (${PREFETCH_CAP} by default)`, () => {
    const tasks = Array.from({ length: 300 }, (_, i) => task(`t${i}`, { assignee: 'me' }));
    expect(
      prefetchCandidates({ tasks, columns, meId: 'me', recent: [], pending: [] })
    ).toHaveLength(PREFETCH_CAP);
    expect(prefetchCandidates({ tasks, columns, meId: 'me', recent: [], pending: [] }, 5)).toEqual([
      't0',
      't1',
      't2',
      't3',
      't4'
    ]);
  });
});

describe('runPrefetch', () => {
  it('never opens more than two connections, fetches in order and closes each once synced', async () => {
    const fake = fakeDeps({});
    const ids = Array.from({ length: 7 }, (_, i) => `t${i}`);
    const done = runPrefetch(ids, fake.deps);
    await new Promise((r) => setTimeout(r, 0));
    while (fake.opened.length < ids.length || fake.active > 0) {
      expect(fake.active).toBeLessThanOrEqual(2);
      await fake.settle(['t3']);
    }
    const result = await done;
    expect(fake.maxActive).toBe(2);
    expect(fake.opened).toEqual(ids);
    expect(fake.closed.sort()).toEqual([...ids].sort());
    expect(result.failed).toEqual(['t3']);
    expect(result.fetched).toEqual(['t0', 't1', 't2', 't4', 't5', 't6']);
    expect(fake.marked).toEqual(result.fetched);
  });

  it('skips documents synced recently or open on a page, unless edits are waiting', async () => {
    const now = 10 * PREFETCH_FRESH_MS;
    const fake = fakeDeps({
      now,
      synced: { fresh: now - 60_000, stale: now - PREFETCH_FRESH_MS - 1, waiting: now - 1_000 },
      open: ['shown']
    });
    const done = runPrefetch(['fresh', 'stale', 'shown', 'waiting', 'new'], fake.deps, {
      mustSync: new Set(['waiting'])
    });
    while (fake.opened.length < 3 || fake.active > 0) await fake.settle();
    const result = await done;
    expect(result.skipped).toEqual(['fresh', 'shown']);
    expect(fake.opened).toEqual(['stale', 'waiting', 'new']);
  });

  it('opens nothing for an empty list and stops when cancelled', async () => {
    const fake = fakeDeps({});
    expect(await runPrefetch([], fake.deps)).toEqual({ fetched: [], skipped: [], failed: [] });
    let cancelled = false;
    const deps = { ...fake.deps, cancelled: () => cancelled };
    const done = runPrefetch(['a', 'b', 'c', 'd'], deps);
    await new Promise((r) => setTimeout(r, 0));
    cancelled = true;
    await fake.settle();
    await done;
    expect(fake.opened).toEqual(['a', 'b']);
  });
});

describe('prefetch storage', () => {
  it('keeps recently viewed tasks newest first, without duplicates, at most 20', () => {
    const storage = new MemoryStorage();
    for (let i = 0; i < 25; i++) rememberViewedTask('ws', `t${i}`, storage);
    rememberViewedTask('ws', 't10', storage);
    const recent = recentTasks('ws', storage);
    expect(recent[0]).toBe('t10');
    expect(recent).toHaveLength(20);
    expect(new Set(recent).size).toBe(20);
    expect(recentTasks('other', storage)).toEqual([]);
  });

  it('remembers sync times and finds task documents with edits waiting', () => {
    const storage = new MemoryStorage();
    markTaskSynced('ws', 'a', 1_000, storage);
    markTaskSynced('ws', 'b', 1_000 + PREFETCH_FRESH_MS + 1, storage);
    expect(syncedTimes('ws', storage)).toEqual({ b: 1_000 + PREFETCH_FRESH_MS + 1 });
    storage.setItem('runboard:pending:ws.task.t1', '3');
    storage.setItem('runboard:pending:ws.task.t2', '0');
    storage.setItem('runboard:pending:ws.board', '2');
    storage.setItem('runboard:pending:other.task.t3', '1');
    expect(pendingTaskIds('ws', storage)).toEqual(['t1']);
  });
});
