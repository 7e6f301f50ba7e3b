import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyBulkChange, bulkPatch } from '../../src/lib/components/list/bulk-edit';
import {
  createTask,
  getTask,
  initBoard,
  upsertLabel
} from '../../src/lib/shared/board/board-model';
import {
  DEFAULT_TASK_QUERY,
  applyQuery,
  compareTasks,
  defaultSortDir,
  hasFilters,
  matchesQuery,
  parseTaskQuery,
  queryFromSearchParams,
  queryToSearchParams,
  resolveMe,
  sameQuery,
  type QueryContext,
  type TaskQuery
} from '../../src/lib/shared/board/task-query';
import { taskSchema, type Task } from '../../src/lib/shared/board/schema';
import { taskFixture } from '../fixtures/board';

const NOW = new Date('2025-03-10T12:00:00.000Z');

let seq = 0;
/** A valid task (checked against the schema) with `fields` overriding the defaults. */
function task(fields: Partial<Task> = {}): Task {
  seq += 1;
  return taskSchema.parse(
    taskFixture({
      id: `t${seq}`,
      key: `OPS-${seq}`,
      title: `Task ${seq}`,
      createdAt: '2025-03-01T00:00:00.000Z',
      updatedAt: '2025-03-01T00:00:00.000Z',
      ...fields
    })
  );
}

function query(fields: Partial<TaskQuery> = {}): TaskQuery {
  return { ...DEFAULT_TASK_QUERY, ...fields };
}

const members: Record<string, string> = { ada: 'Ada Lovelace', bob: 'Bob Builder', wang: '王小明' };
const ctx: QueryContext = {
  columns: [{ id: 'backlog' }, { id: 'todo' }, { id: 'in-progress' }, { id: 'done' }],
  memberName: (id) => members[id] ?? id,
  now: NOW
};

const ids = (tasks: Task[]) => tasks.map((t) => t.id);

describe('matchesQuery: text', () => {
  const disk = task({ key: 'OPS-7', title: 'Disk FULL on db-1', description: 'free /var/log' });
  const chinese = task({ title: '数据库主从延迟告警', description: '检查复制线程和网络' });

  it('matches key, title and description as case-insensitive substrings', () => {
    expect(matchesQuery(disk, query({ text: 'disk full' }), NOW)).toBe(true);
    expect(matchesQuery(disk, query({ text: 'ops-7' }), NOW)).toBe(true);
    expect(matchesQuery(disk, query({ text: 'VAR/LOG' }), NOW)).toBe(true);
    expect(matchesQuery(disk, query({ text: 'memory' }), NOW)).toBe(false);
  });

  it('needs every whitespace-separated term', () => {
    expect(matchesQuery(disk, query({ text: 'db-1 free' }), NOW)).toBe(true);
    expect(matchesQuery(disk, query({ text: 'db-1 memory' }), NOW)).toBe(false);
  });

  it('finds Chinese text by substring, in title and description', () => {
    expect(matchesQuery(chinese, query({ text: '主从延迟' }), NOW)).toBe(true);
    expect(matchesQuery(chinese, query({ text: '复制线程' }), NOW)).toBe(true);
    expect(matchesQuery(chinese, query({ text: '  延迟  ' }), NOW)).toBe(true);
    expect(matchesQuery(chinese, query({ text: '磁盘' }), NOW)).toBe(false);
    expect(matchesQuery(disk, query({ text: '数据库' }), NOW)).toBe(false);
  });

  it('sees a changed task anew (the text cache is per task snapshot)', () => {
    const before = task({ title: 'old words' });
    const after = { ...before, title: 'new words' };
    expect(matchesQuery(before, query({ text: 'old' }), NOW)).toBe(true);
    expect(matchesQuery(after, query({ text: 'old' }), NOW)).toBe(false);
    expect(matchesQuery(after, query({ text: 'new' }), NOW)).toBe(true);
  });
});

describe('matchesQuery: list filters', () => {
  const a = task({
    status: 'todo',
    assignee: 'ada',
    priority: 'high',
    labels: ['db'],
    kind: 'incident'
  });
  const b = task({ status: 'done', assignee: null, priority: 'low', labels: ['net', 'db'] });

  it('matches any value within a filter', () => {
    expect(ids(applyQuery([a, b], query({ status: ['todo', 'done'] }), ctx))).toHaveLength(2);
    expect(ids(applyQuery([a, b], query({ priority: ['high'] }), ctx))).toEqual([a.id]);
    expect(ids(applyQuery([a, b], query({ label: ['net'] }), ctx))).toEqual([b.id]);
    expect(ids(applyQuery([a, b], query({ kind: ['incident'] }), ctx))).toEqual([a.id]);
  });

  it('needs every filter to hold', () => {
    expect(applyQuery([a, b], query({ label: ['db'], priority: ['low'] }), ctx)).toEqual([b]);
    expect(applyQuery([a, b], query({ status: ['todo'], priority: ['low'] }), ctx)).toEqual([]);
  });

  it("matches unassigned tasks with 'none' and the caller with a resolved 'me'", () => {
    expect(applyQuery([a, b], query({ assignee: ['none'] }), ctx)).toEqual([b]);
    const mine = resolveMe(query({ assignee: ['me', 'none'] }), 'ada');
    expect(mine.assignee).toEqual(['ada', 'none']);
    expect(applyQuery([a, b], mine, ctx)).toHaveLength(2);
    expect(applyQuery([a, b], query({ assignee: ['me'] }), ctx)).toEqual([]);
  });

  it('leaves archived tasks out unless asked', () => {
    const archived = task({ archivedAt: '2025-03-02T00:00:00.000Z' });
    expect(applyQuery([a, archived], query(), ctx)).toEqual([a]);
    expect(applyQuery([a, archived], query({ archived: 'only' }), ctx)).toEqual([archived]);
    expect(applyQuery([a, archived], query({ archived: 'include' }), ctx)).toHaveLength(2);
  });
});

describe('matchesQuery: due', () => {
  const overdue = task({ dueAt: '2025-03-09T08:00:00.000Z' });
  const overdueDone = task({
    dueAt: '2025-03-09T08:00:00.000Z',
    doneAt: '2025-03-09T09:00:00.000Z'
  });
  const laterToday = task({ dueAt: '2025-03-10T18:00:00.000Z' });
  const earlierToday = task({ dueAt: '2025-03-10T01:00:00.000Z' });
  const inFiveDays = task({ dueAt: '2025-03-15T00:00:00.000Z' });
  const nextMonth = task({ dueAt: '2025-04-10T00:00:00.000Z' });
  const noDue = task();
  const all = [overdue, overdueDone, laterToday, earlierToday, inFiveDays, nextMonth, noDue];

  it('overdue: past due and not done', () => {
    expect(applyQuery(all, query({ due: 'overdue' }), ctx)).toEqual(
      applyQuery([overdue, earlierToday], query(), ctx)
    );
  });

  it('today and week are local days from today on', () => {
    expect(ids(applyQuery(all, query({ due: 'today' }), ctx)).sort()).toEqual(
      ids([laterToday, earlierToday]).sort()
    );
    expect(ids(applyQuery(all, query({ due: 'week' }), ctx)).sort()).toEqual(
      ids([laterToday, earlierToday, inFiveDays]).sort()
    );
  });

  it('none: no due date', () => {
    expect(applyQuery(all, query({ due: 'none' }), ctx)).toEqual([noDue]);
  });
});

describe('compareTasks', () => {
  it('sorts priority by urgency, missing priority last in both directions', () => {
    const urgent = task({ priority: 'urgent' });
    const low = task({ priority: 'low' });
    const none = task({ priority: 'none' });
    const high = task({ priority: 'high' });
    const medium = task({ priority: 'medium' });
    const tasks = [none, low, urgent, medium, high];
    const desc = [...tasks].sort(compareTasks({ field: 'priority', dir: 'desc' }, ctx));
    expect(desc.map((t) => t.priority)).toEqual(['urgent', 'high', 'medium', 'low', 'none']);
    const asc = [...tasks].sort(compareTasks({ field: 'priority', dir: 'asc' }, ctx));
    expect(asc.map((t) => t.priority)).toEqual(['low', 'medium', 'high', 'urgent', 'none']);
  });

  it('sorts status by column order, unknown columns last', () => {
    const done = task({ status: 'done' });
    const backlog = task({ status: 'backlog' });
    const gone = task({ status: 'removed-column' });
    const progress = task({ status: 'in-progress' });
    const sorted = [done, gone, backlog, progress].sort(
      compareTasks({ field: 'status', dir: 'asc' }, ctx)
    );
    expect(sorted.map((t) => t.status)).toEqual([
      'backlog',
      'in-progress',
      'done',
      'removed-column'
    ]);
  });

  it('sorts keys naturally and puts tasks without a key last', () => {
    const k10 = task({ key: 'OPS-10' });
    const k9 = task({ key: 'OPS-9' });
    const none = task({ key: null });
    const k100 = task({ key: 'OPS-100' });
    const asc = [k100, none, k10, k9].sort(compareTasks({ field: 'key', dir: 'asc' }, ctx));
    expect(asc.map((t) => t.key)).toEqual(['OPS-9', 'OPS-10', 'OPS-100', null]);
    const desc = [k100, none, k10, k9].sort(compareTasks({ field: 'key', dir: 'desc' }, ctx));
    expect(desc.map((t) => t.key)).toEqual(['OPS-100', 'OPS-10', 'OPS-9', null]);
  });

  it('sorts assignees by name and due dates by time, missing values last', () => {
    const bob = task({ assignee: 'bob', dueAt: '2025-03-12T00:00:00.000Z' });
    const ada = task({ assignee: 'ada', dueAt: null });
    const nobody = task({ assignee: null, dueAt: '2025-03-11T00:00:00.000Z' });
    const byName = [bob, nobody, ada].sort(compareTasks({ field: 'assignee', dir: 'asc' }, ctx));
    expect(byName.map((t) => t.assignee)).toEqual(['ada', 'bob', null]);
    const byNameDesc = [bob, nobody, ada].sort(
      compareTasks({ field: 'assignee', dir: 'desc' }, ctx)
    );
    expect(byNameDesc.map((t) => t.assignee)).toEqual(['bob', 'ada', null]);
    const byDue = [bob, ada, nobody].sort(compareTasks({ field: 'dueAt', dir: 'asc' }, ctx));
    expect(byDue).toEqual([nobody, bob, ada]);
  });

  it('sorts estimates, progress and times as numbers, ties by key', () => {
    const a = task({ estimateMinutes: 90, progress: 50, updatedAt: '2025-03-05T00:00:00.000Z' });
    const b = task({ estimateMinutes: 600, progress: 50, updatedAt: '2025-03-04T00:00:00.000Z' });
    const c = task({ estimateMinutes: null, progress: 10, updatedAt: '2025-03-06T00:00:00.000Z' });
    expect([c, b, a].sort(compareTasks({ field: 'estimate', dir: 'asc' }, ctx))).toEqual([a, b, c]);
    expect([c, b, a].sort(compareTasks({ field: 'progress', dir: 'desc' }, ctx))).toEqual([
      a,
      b,
      c
    ]);
    expect([a, b, c].sort(compareTasks({ field: 'updatedAt', dir: 'desc' }, ctx))).toEqual([
      c,
      a,
      b
    ]);
  });

  it('sorts titles case-insensitively with numbers in order', () => {
    const t2 = task({ title: 'node 2' });
    const t10 = task({ title: 'Node 10' });
    const alpha = task({ title: 'alpha' });
    const sorted = [t10, t2, alpha].sort(compareTasks({ field: 'title', dir: 'asc' }, ctx));
    expect(sorted).toEqual([alpha, t2, t10]);
  });

  it('starts urgency and time columns descending, text columns ascending', () => {
    expect(defaultSortDir('priority')).toBe('desc');
    expect(defaultSortDir('updatedAt')).toBe('desc');
    expect(defaultSortDir('title')).toBe('asc');
    expect(defaultSortDir('dueAt')).toBe('asc');
  });
});

describe('search parameters', () => {
  it('round-trips a query, writing only what differs from the defaults', () => {
    const q = query({
      text: '磁盘 full',
      status: ['todo', 'in-progress'],
      assignee: ['me', 'none'],
      label: ['db'],
      priority: ['urgent', 'high'],
      kind: ['incident'],
      due: 'overdue',
      archived: 'include',
      sort: { field: 'priority', dir: 'desc' }
    });
    const params = queryToSearchParams(q);
    expect(params.get('priority')).toBe('urgent,high');
    expect(params.get('sort')).toBe('-priority');
    expect(queryFromSearchParams(new URLSearchParams(params.toString()))).toEqual(q);
    expect(queryToSearchParams(DEFAULT_TASK_QUERY).toString()).toBe('');
  });

  it('keeps an explicitly cleared preset filter as an empty parameter', () => {
    const preset = query({ assignee: ['me'], sort: { field: 'dueAt', dir: 'asc' } });
    const cleared = { ...preset, assignee: [] };
    const params = queryToSearchParams(cleared, preset);
    expect(params.toString()).toBe('assignee=');
    expect(queryFromSearchParams(params, preset)).toEqual(cleared);
    expect(queryFromSearchParams(new URLSearchParams(), preset)).toEqual(preset);
  });

  it('ignores invalid values instead of throwing', () => {
    const parsed = queryFromSearchParams(
      new URLSearchParams(
        'priority=urgent,whatever&kind=bogus&due=tomorrow&archived=maybe&sort=-nope&status=ok,bad%20id&label=__x'
      )
    );
    expect(parsed.priority).toEqual(['urgent']);
    expect(parsed.kind).toEqual([]);
    expect(parsed.due).toBe('any');
    expect(parsed.archived).toBe('exclude');
    expect(parsed.sort).toEqual(DEFAULT_TASK_QUERY.sort);
    expect(parsed.status).toEqual(['ok']);
    expect(parsed.label).toEqual([]);
    expect(() => parseTaskQuery(parsed)).not.toThrow();
  });

  it('accepts repeated parameters and drops duplicates', () => {
    const parsed = queryFromSearchParams(new URLSearchParams('label=a&label=b,a&sort=title'));
    expect(parsed.label).toEqual(['a', 'b']);
    expect(parsed.sort).toEqual({ field: 'title', dir: 'asc' });
  });
});

describe('query helpers', () => {
  it('tells whether a query filters and whether two queries are the same', () => {
    expect(hasFilters(DEFAULT_TASK_QUERY)).toBe(false);
    expect(hasFilters(query({ text: '  ' }))).toBe(false);
    expect(hasFilters(query({ archived: 'include' }))).toBe(true);
    expect(sameQuery(query({ status: ['a', 'b'] }), query({ status: ['b', 'a'] }))).toBe(true);
    expect(sameQuery(query({ status: ['a'] }), query({ status: ['a', 'b'] }))).toBe(false);
  });

  it('validates queries with the schema', () => {
    expect(() => parseTaskQuery({ ...DEFAULT_TASK_QUERY, due: 'later' })).toThrow();
    expect(() => parseTaskQuery({ ...DEFAULT_TASK_QUERY, text: 'x'.repeat(201) })).toThrow();
    expect(parseTaskQuery(query({ priority: ['low'] })).priority).toEqual(['low']);
  });

  it('applyQuery filters and sorts without changing its input', () => {
    const a = task({ priority: 'low' });
    const b = task({ priority: 'urgent' });
    const input = [a, b];
    expect(applyQuery(input, query({ sort: { field: 'priority', dir: 'desc' } }), ctx)).toEqual([
      b,
      a
    ]);
    expect(input).toEqual([a, b]);
  });
});

describe('bulk edit', () => {
  it('patches only what differs', () => {
    const t1 = task({ priority: 'low', labels: ['db'], assignee: 'ada' });
    expect(bulkPatch(t1, { type: 'priority', priority: 'low' })).toBeNull();
    expect(bulkPatch(t1, { type: 'priority', priority: 'urgent' })).toEqual({ priority: 'urgent' });
    expect(bulkPatch(t1, { type: 'addLabel', label: 'db' })).toBeNull();
    expect(bulkPatch(t1, { type: 'addLabel', label: 'net' })).toEqual({ labels: ['db', 'net'] });
    expect(bulkPatch(t1, { type: 'assignee', assignee: null })).toEqual({ assignee: null });
    expect(bulkPatch(t1, { type: 'archived', archived: false })).toBeNull();
    expect(bulkPatch(t1, { type: 'status', status: 'done' })).toEqual({ status: 'done' });
  });

  it('changes many tasks in one transaction and counts the changed ones', () => {
    const doc = new Y.Doc();
    initBoard(doc);
    upsertLabel(doc, { id: 'db', name: 'Database', color: '#336699' });
    const ids = ['a', 'b', 'c'].map(
      (id, i) =>
        createTask(doc, { title: id, priority: i === 0 ? 'urgent' : 'low' }, { id, actor: 'ada' })
          .id
    );
    let transactions = 0;
    doc.on('afterTransaction', () => (transactions += 1));
    let changed = 0;
    doc.transact(() => {
      changed = applyBulkChange(
        doc,
        [...ids, 'gone'],
        { type: 'priority', priority: 'urgent' },
        'ada'
      );
    });
    expect(changed).toBe(2);
    expect(transactions).toBe(1);
    expect(ids.map((id) => getTask(doc, id)?.priority)).toEqual(['urgent', 'urgent', 'urgent']);

    doc.transact(() => {
      changed = applyBulkChange(doc, ids, { type: 'addLabel', label: 'db' }, 'ada');
    });
    expect(changed).toBe(3);
    expect(getTask(doc, 'b')?.labels).toEqual(['db']);

    doc.transact(() => {
      changed = applyBulkChange(doc, ids.slice(0, 2), { type: 'archived', archived: true }, 'ada');
    });
    expect(changed).toBe(2);
    expect(getTask(doc, 'a')?.archivedAt).not.toBeNull();
    expect(getTask(doc, 'c')?.archivedAt).toBeNull();
  });

  it('changes more tasks than one updateTasks call takes', () => {
    const doc = new Y.Doc();
    initBoard(doc);
    const ids: string[] = [];
    doc.transact(() => {
      for (let i = 0; i < 501; i++) ids.push(createTask(doc, { title: `t${i}` }).id);
    });
    let changed = 0;
    doc.transact(() => {
      changed = applyBulkChange(doc, ids, { type: 'status', status: 'done' }, 'ada');
    });
    expect(changed).toBe(501);
    expect(ids.every((id) => getTask(doc, id)?.status === 'done')).toBe(true);
  });
});
