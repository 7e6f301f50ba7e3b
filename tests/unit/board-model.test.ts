import { describe, it, expect } from 'vitest';
import * as Y from 'yjs';
import { z } from 'zod';
import {
  BOARD_SCHEMA_VERSION,
  acknowledgeIncident,
  addColumn,
  archiveTask,
  createTask,
  generateId,
  getColumn,
  getTask,
  initBoard,
  listColumns,
  listLabels,
  listTasks,
  moveColumn,
  moveTask,
  observeTasks,
  readBoardMeta,
  readTask,
  removeColumn,
  removeLabel,
  renameColumn,
  setWipLimit,
  unarchiveTask,
  updateTask,
  upsertLabel
} from '../../src/lib/shared/board/board-model';
import type { DomainErrorCode } from '../../src/lib/shared/model/domain-error';
import {
  ID_PATTERN,
  columnSchema,
  labelSchema,
  taskCreateSchema,
  taskPatchSchema,
  taskSchema
} from '../../src/lib/shared/board/schema';
import type { Task } from '../../src/lib/shared/board/schema';
import { isValidId } from '../../src/lib/shared/doc-name';
import { isValidKey } from '../../src/lib/shared/fractional-index';
import {
  at,
  countUpdates,
  iso,
  newBoard,
  replicaOf,
  syncAll,
  syncOneWay,
  expectBoardError
} from '../fixtures/board';
import { seededRandom } from '../helpers/random';

// ---------------------------------------------------------------------------------------------
// Helpers

function ids(tasks: readonly Task[]): string[] {
  return tasks.map((t) => t.id);
}

function columnIds(doc: Y.Doc, status: string): string[] {
  return ids(listTasks(doc, { status, includeArchived: true }));
}

function pick<T>(random: () => number, items: readonly T[]): T | undefined {
  return items[Math.floor(random() * items.length)];
}

// ---------------------------------------------------------------------------------------------
// Schemas

describe('schemas', () => {
  it('use the same id rule as isValidId', () => {
    const samples = ['a', 'A9', '0', 'abc-DEF_123', 'x'.repeat(64), 'x'.repeat(65), '', '-a', '_a'];
    samples.push('a.b', 'a/b', 'a b', 'é', '%41', 'a..', generateId());
    for (const sample of samples) expect(ID_PATTERN.test(sample), sample).toBe(isValidId(sample));
  });

  it('generate ids that are valid, 16 characters and distinct', () => {
    const generated = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = generateId();
      expect(id).toHaveLength(16);
      expect(isValidId(id)).toBe(true);
      expect(id).toMatch(/^[A-Za-z0-9]+$/);
      generated.add(id);
    }
    expect(generated.size).toBe(1000);
  });

  it('export named, described JSON Schemas for OpenAPI', () => {
    const all = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12' });
    for (const name of ['Task', 'TaskCreate', 'TaskPatch', 'Column', 'Label', 'TaskLink']) {
      const schema = all.schemas[name];
      expect(schema, name).toBeDefined();
      expect(schema?.description, name).toEqual(expect.any(String));
    }
    const task = z.toJSONSchema(taskSchema);
    expect(task.$ref).toBe('#/$defs/Task');
    expect(task.$defs?.['Task']?.description).toMatch(/card on the board/);
    expect(task.$defs?.['DateTime']?.description).toMatch(/ISO 8601/);
    expect(task.$defs?.['Id']?.pattern).toBe(ID_PATTERN.source);
    expect(all.schemas['TaskPatch']?.additionalProperties).toBe(false);
    expect(() => z.toJSONSchema(taskPatchSchema)).not.toThrow();
    expect(() => z.toJSONSchema(taskCreateSchema)).not.toThrow();
  });

  it('trim titles and refuse unknown fields and empty patches', () => {
    expect(taskCreateSchema.parse({ title: '  Disk full  ' }).title).toBe('Disk full');
    expect(taskCreateSchema.safeParse({ title: '   ' }).success).toBe(false);
    expect(taskCreateSchema.safeParse({ title: 'x'.repeat(301) }).success).toBe(false);
    expect(taskCreateSchema.safeParse({ title: 'ok', colour: 'red' }).success).toBe(false);
    expect(taskPatchSchema.safeParse({}).success).toBe(false);
    expect(taskPatchSchema.safeParse({ archived: true }).success).toBe(true);
    expect(taskPatchSchema.safeParse({ id: 'x' }).success).toBe(false);
    expect(labelSchema.safeParse({ id: 'l', name: 'db', color: '#12ab9F' }).success).toBe(true);
    expect(labelSchema.safeParse({ id: 'l', name: 'db', color: 'red' }).success).toBe(false);
    expect(
      columnSchema.safeParse({
        id: 'c',
        name: 'C',
        position: 'a00',
        category: 'todo',
        wipLimit: null
      }).success
    ).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Board and columns

describe('initBoard', () => {
  it('creates the default columns, schema version and key prefix', () => {
    const doc = newBoard();
    expect(listColumns(doc).map((c) => [c.id, c.name, c.category, c.wipLimit])).toEqual([
      ['backlog', 'Backlog', 'todo', null],
      ['todo', 'To do', 'todo', null],
      ['in-progress', 'In progress', 'in_progress', null],
      ['review', 'Review', 'in_progress', null],
      ['done', 'Done', 'done', null]
    ]);
    expect(readBoardMeta(doc)).toEqual({ schemaVersion: BOARD_SCHEMA_VERSION, keyPrefix: 'OPS' });
    expect(doc.getMap('meta').get('schemaVersion')).toBe(1);
  });

  it('is idempotent', () => {
    const doc = newBoard();
    const before = listColumns(doc);
    expect(countUpdates(doc, () => initBoard(doc, { keyPrefix: 'NET' }))).toBe(0);
    expect(listColumns(doc)).toEqual(before);
    expect(readBoardMeta(doc).keyPrefix).toBe('OPS');
  });

  it('takes custom columns and key prefix, and validates them', () => {
    const doc = new Y.Doc();
    initBoard(doc, {
      keyPrefix: 'NET',
      columns: [
        { id: 'open', name: 'Open', category: 'todo' },
        { id: 'closed', name: 'Closed', category: 'done', wipLimit: 3 }
      ]
    });
    expect(listColumns(doc).map((c) => [c.id, c.wipLimit])).toEqual([
      ['open', null],
      ['closed', 3]
    ]);
    expect(readBoardMeta(doc).keyPrefix).toBe('NET');
    expectBoardError('invalid_input', () => initBoard(new Y.Doc(), { keyPrefix: 'ops-1' }));
    expectBoardError('invalid_input', () => initBoard(new Y.Doc(), { columns: [] }));
    const bad = [{ id: 'a b', name: 'x', category: 'todo' as const }];
    const empty = new Y.Doc();
    expectBoardError('invalid_input', () => initBoard(empty, { columns: bad }));
    expect(empty.getMap('meta').size).toBe(0);
  });

  it('merges when two replicas initialise concurrently', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    initBoard(a);
    initBoard(b);
    syncAll(a, b);
    expect(listColumns(a)).toEqual(listColumns(b));
    expect(listColumns(a).map((c) => c.id)).toEqual([
      'backlog',
      'todo',
      'in-progress',
      'review',
      'done'
    ]);
  });

  it('passes the origin to the transaction', () => {
    const doc = new Y.Doc();
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    const origin = { who: 'test' };
    initBoard(doc, { origin });
    expect(origins).toEqual([origin]);
  });
});

describe('columns', () => {
  it('adds at the end, before or after a column', () => {
    const doc = newBoard();
    const blocked = addColumn(doc, { id: 'blocked', name: 'Blocked', category: 'in_progress' });
    expect(blocked).toMatchObject({ id: 'blocked', name: 'Blocked', wipLimit: null });
    expect(isValidKey(blocked.position)).toBe(true);
    addColumn(doc, { id: 'triage', name: ' Triage ', category: 'todo', beforeId: 'backlog' });
    addColumn(doc, {
      id: 'qa',
      name: 'QA',
      category: 'in_progress',
      afterId: 'review',
      wipLimit: 2
    });
    const generated = addColumn(doc, { name: 'Later', category: 'todo' });
    expect(isValidId(generated.id)).toBe(true);
    expect(listColumns(doc).map((c) => c.id)).toEqual([
      'triage',
      'backlog',
      'todo',
      'in-progress',
      'review',
      'qa',
      'done',
      'blocked',
      generated.id
    ]);
    expect(getColumn(doc, 'triage')?.name).toBe('Triage');
    expect(getColumn(doc, 'qa')?.wipLimit).toBe(2);
  });

  it('refuses bad columns', () => {
    const doc = newBoard();
    expectBoardError('conflict', () => addColumn(doc, { id: 'done', name: 'D', category: 'done' }));
    expectBoardError('invalid_input', () =>
      addColumn(doc, { name: 'X', category: 'todo', beforeId: 'nope' })
    );
    expectBoardError('invalid_input', () => addColumn(doc, { name: '', category: 'todo' }));
    expectBoardError('invalid_input', () =>
      addColumn(doc, { name: 'x'.repeat(61), category: 'todo' })
    );
    expectBoardError('invalid_input', () =>
      addColumn(doc, { name: 'X', category: 'waiting' as 'todo' })
    );
    expect(listColumns(doc)).toHaveLength(5);
  });

  it('renames, moves and sets WIP limits', () => {
    const doc = newBoard();
    expect(renameColumn(doc, 'review', 'Peer review').name).toBe('Peer review');
    expectBoardError('invalid_input', () => renameColumn(doc, 'review', '  '));
    expectBoardError('not_found', () => renameColumn(doc, 'nope', 'X'));

    moveColumn(doc, 'done', { beforeId: 'backlog' });
    expect(listColumns(doc).map((c) => c.id)).toEqual([
      'done',
      'backlog',
      'todo',
      'in-progress',
      'review'
    ]);
    moveColumn(doc, 'done', { afterId: 'todo' });
    expect(listColumns(doc).map((c) => c.id)).toEqual([
      'backlog',
      'todo',
      'done',
      'in-progress',
      'review'
    ]);
    moveColumn(doc, 'done', {});
    expect(listColumns(doc).map((c) => c.id)[4]).toBe('done');
    expectBoardError('invalid_input', () => moveColumn(doc, 'done', { beforeId: 'done' }));
    expectBoardError('invalid_input', () => moveColumn(doc, 'done', { afterId: 'nope' }));
    expectBoardError('not_found', () => moveColumn(doc, 'nope', {}));

    expect(setWipLimit(doc, 'in-progress', 5).wipLimit).toBe(5);
    expect(setWipLimit(doc, 'in-progress', null).wipLimit).toBeNull();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expectBoardError('invalid_input', () => setWipLimit(doc, 'in-progress', bad));
    }
    expectBoardError('not_found', () => setWipLimit(doc, 'nope', 1));
  });

  it('removes a column only when it holds no live tasks', () => {
    const doc = newBoard();
    const task = createTask(doc, { title: 'Patch kernel', status: 'review' });
    const error = expectBoardError('conflict', () => removeColumn(doc, 'review'));
    expect(error.details).toEqual({ tasks: 1 });
    archiveTask(doc, task.id);
    removeColumn(doc, 'review');
    expect(getColumn(doc, 'review')).toBeNull();
    expectBoardError('not_found', () => removeColumn(doc, 'review'));
    // The archived task is kept; listing puts tasks of a vanished column last.
    createTask(doc, { title: 'Other', status: 'done' });
    expect(listTasks(doc, { includeArchived: true }).map((t) => t.status)).toEqual([
      'done',
      'review'
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Labels

describe('labels', () => {
  it('creates, updates and lists labels sorted by name', () => {
    const doc = newBoard();
    const db = upsertLabel(doc, { name: 'database', color: '#336699' });
    expect(isValidId(db.id)).toBe(true);
    upsertLabel(doc, { id: 'net', name: 'network', color: '#00aa00' });
    upsertLabel(doc, { id: 'net', name: 'Network', color: '#00bb00' });
    expect(listLabels(doc)).toEqual([
      { id: 'net', name: 'Network', color: '#00bb00' },
      { id: db.id, name: 'database', color: '#336699' }
    ]);
    expectBoardError('invalid_input', () => upsertLabel(doc, { name: 'x', color: 'green' }));
    expectBoardError('invalid_input', () =>
      upsertLabel(doc, { name: 'x'.repeat(41), color: '#000000' })
    );
    expectBoardError('invalid_input', () =>
      upsertLabel(doc, { id: '../x', name: 'x', color: '#000000' })
    );
  });

  it('removes a label from the board and from every task', () => {
    const doc = newBoard();
    upsertLabel(doc, { id: 'db', name: 'db', color: '#111111' });
    upsertLabel(doc, { id: 'net', name: 'net', color: '#222222' });
    const a = createTask(doc, { title: 'A', labels: ['db', 'net'] }, { now: at(0) });
    const b = createTask(doc, { title: 'B', labels: ['net'] }, { now: at(0) });
    removeLabel(doc, 'db', { now: at(5) });
    expect(listLabels(doc).map((l) => l.id)).toEqual(['net']);
    expect(getTask(doc, a.id)).toMatchObject({ labels: ['net'], updatedAt: iso(5) });
    expect(getTask(doc, b.id)).toMatchObject({ labels: ['net'], updatedAt: iso(0) });
    expectBoardError('not_found', () => removeLabel(doc, 'db'));
  });
});

// ---------------------------------------------------------------------------------------------
// Tasks

describe('createTask', () => {
  it('fills defaults and puts the task at the end of the first todo column', () => {
    const doc = newBoard();
    const task = createTask(doc, { title: '  Rotate TLS certs ' }, { now: at(0), actor: 'm1' });
    expect(isValidId(task.id)).toBe(true);
    expect(task).toEqual({
      id: task.id,
      key: null,
      title: 'Rotate TLS certs',
      description: '',
      kind: 'task',
      status: 'backlog',
      position: task.position,
      assignee: null,
      priority: 'none',
      labels: [],
      dueAt: null,
      estimateMinutes: null,
      progress: 0,
      createdAt: iso(0),
      createdBy: 'm1',
      updatedAt: iso(0),
      startedAt: null,
      acknowledgedAt: null,
      resolvedAt: null,
      doneAt: null,
      archivedAt: null,
      links: [],
      checklistDone: 0,
      checklistTotal: 0,
      commentCount: 0
    });
    expect(taskSchema.parse(task)).toEqual(task);
    expect(getTask(doc, task.id)).toEqual(task);
    const second = createTask(doc, { title: 'Second' });
    const third = createTask(doc, { title: 'Third' });
    expect(columnIds(doc, 'backlog')).toEqual([task.id, second.id, third.id]);
    expect(task.position < second.position && second.position < third.position).toBe(true);
  });

  it('stores every given field', () => {
    const doc = newBoard();
    upsertLabel(doc, { id: 'db', name: 'db', color: '#111111' });
    upsertLabel(doc, { id: 'prod', name: 'prod', color: '#222222' });
    const task = createTask(
      doc,
      {
        title: 'DB failover',
        description: 'Primary lost',
        kind: 'incident',
        status: 'todo',
        assignee: 'alice',
        priority: 'urgent',
        labels: ['prod', 'db', 'prod'],
        dueAt: iso(60),
        estimateMinutes: 90,
        progress: 10,
        links: [
          { type: 'runbook', target: 'rb-failover' },
          { type: 'alert', target: 'fp:abc', addedAt: iso(-5) },
          { type: 'runbook', target: 'rb-failover' }
        ]
      },
      { id: 'inc-1', now: at(1) }
    );
    expect(task).toMatchObject({
      id: 'inc-1',
      kind: 'incident',
      status: 'todo',
      assignee: 'alice',
      priority: 'urgent',
      labels: ['db', 'prod'],
      dueAt: iso(60),
      estimateMinutes: 90,
      progress: 10,
      createdBy: null,
      links: [
        { type: 'alert', target: 'fp:abc', addedAt: iso(-5) },
        { type: 'runbook', target: 'rb-failover', addedAt: iso(1) }
      ]
    });
    expect(taskSchema.safeParse(task).success).toBe(true);
  });

  it('sets lifecycle timestamps when created directly in a later column', () => {
    const doc = newBoard();
    const started = createTask(doc, { title: 'A', status: 'in-progress' }, { now: at(1) });
    expect(started).toMatchObject({ startedAt: iso(1), doneAt: null, resolvedAt: null });
    // A plain task created done is completed for the first time then (throughput counts it once).
    const done = createTask(doc, { title: 'B', status: 'done' }, { now: at(2) });
    expect(done).toMatchObject({ doneAt: iso(2), resolvedAt: iso(2) });
    const incident = createTask(
      doc,
      { title: 'C', kind: 'incident', status: 'done' },
      { now: at(3) }
    );
    expect(incident).toMatchObject({ doneAt: iso(3), resolvedAt: iso(3) });
  });

  it('refuses invalid input without touching the document', () => {
    const doc = newBoard();
    upsertLabel(doc, { id: 'db', name: 'db', color: '#111111' });
    createTask(doc, { title: 'Existing' }, { id: 'taken' });
    const bad: Array<[DomainErrorCode, () => unknown]> = [
      ['invalid_input', () => createTask(doc, { title: '' })],
      ['invalid_input', () => createTask(doc, { title: '   ' })],
      ['invalid_input', () => createTask(doc, { title: 'x'.repeat(301) })],
      ['invalid_input', () => createTask(doc, { title: 'x', description: 'y'.repeat(100_001) })],
      ['invalid_input', () => createTask(doc, { title: 'x', extra: 1 } as never)],
      ['invalid_input', () => createTask(doc, { title: 'x', kind: 'bug' } as never)],
      ['invalid_input', () => createTask(doc, { title: 'x', priority: 'p1' } as never)],
      ['invalid_input', () => createTask(doc, { title: 'x', status: 'nope' })],
      ['invalid_input', () => createTask(doc, { title: 'x', labels: ['db', 'ghost'] })],
      ['invalid_input', () => createTask(doc, { title: 'x', progress: 101 })],
      ['invalid_input', () => createTask(doc, { title: 'x', progress: 5.5 })],
      ['invalid_input', () => createTask(doc, { title: 'x', estimateMinutes: -1 })],
      ['invalid_input', () => createTask(doc, { title: 'x', estimateMinutes: 100_001 })],
      ['invalid_input', () => createTask(doc, { title: 'x', dueAt: 'tomorrow' })],
      ['invalid_input', () => createTask(doc, { title: 'x', assignee: 'bob smith' })],
      ['invalid_input', () => createTask(doc, { title: 'x', links: [{ type: 'ci', target: '' }] })],
      [
        'invalid_input',
        () => createTask(doc, { title: 'x', links: [{ type: 'web', target: 'a' }] } as never)
      ],
      ['invalid_input', () => createTask(doc, { title: 'x' }, { id: 'bad id' })],
      ['invalid_input', () => createTask(doc, { title: 'x' }, { actor: 'a/b' })],
      ['invalid_input', () => createTask(doc, { title: 'x' }, { now: new Date('nope') })],
      ['conflict', () => createTask(doc, { title: 'x' }, { id: 'taken' })]
    ];
    for (const [code, fn] of bad) {
      expect(countUpdates(doc, () => expectBoardError(code, fn))).toBe(0);
    }
    const error = expectBoardError('invalid_input', () => createTask(doc, { title: '' }));
    expect(error.message).toMatch(/title/);
    expect(error.details).toMatchObject({ issues: [{ path: 'title' }] });
    expect(listTasks(doc)).toHaveLength(1);
  });

  it('needs a column', () => {
    expectBoardError('conflict', () => createTask(new Y.Doc(), { title: 'x' }));
  });
});

describe('reading tasks', () => {
  it('returns null for unknown ids and reads damaged entries with defaults', () => {
    const doc = newBoard();
    expect(getTask(doc, 'nope')).toBeNull();
    const map = new Y.Map<unknown>();
    doc.getMap('tasks').set('broken', map);
    map.set('title', 42);
    map.set('kind', 'bug');
    map.set('priority', 7);
    map.set('progress', 250);
    map.set('labels', 'db');
    map.set('status', 'todo');
    map.set('position', 'a0');
    const task = readTask(map, 'broken');
    expect(task).toMatchObject({
      id: 'broken',
      title: '',
      kind: 'task',
      priority: 'none',
      progress: 100,
      labels: [],
      links: [],
      assignee: null
    });
    // A non-map value in the tasks map is skipped, not fatal.
    doc.getMap('tasks').set('junk', 'not a task');
    expect(ids(listTasks(doc))).toEqual(['broken']);
  });

  it('filters by kind, status, assignee, label, text and archive state', () => {
    const doc = newBoard();
    upsertLabel(doc, { id: 'db', name: 'db', color: '#111111' });
    const a = createTask(doc, { title: 'Disk FULL on db-1', labels: ['db'], assignee: 'alice' });
    const b = createTask(doc, { title: 'Upgrade', kind: 'change', status: 'review' });
    const c = createTask(doc, {
      title: 'Pager storm',
      kind: 'incident',
      description: 'Alertmanager sends DUPLICATES',
      status: 'todo'
    });
    const d = createTask(doc, { title: 'Old one', assignee: 'alice' });
    archiveTask(doc, d.id);
    expect(ids(listTasks(doc))).toEqual([a.id, c.id, b.id]);
    expect(ids(listTasks(doc, { includeArchived: true }))).toEqual([a.id, d.id, c.id, b.id]);
    expect(ids(listTasks(doc, { kind: 'incident' }))).toEqual([c.id]);
    expect(ids(listTasks(doc, { status: 'review' }))).toEqual([b.id]);
    expect(ids(listTasks(doc, { assignee: 'alice' }))).toEqual([a.id]);
    expect(ids(listTasks(doc, { assignee: 'alice', includeArchived: true }))).toEqual([a.id, d.id]);
    expect(ids(listTasks(doc, { assignee: null }))).toEqual([c.id, b.id]);
    expect(ids(listTasks(doc, { label: 'db' }))).toEqual([a.id]);
    expect(ids(listTasks(doc, { q: 'disk full' }))).toEqual([a.id]);
    expect(ids(listTasks(doc, { q: 'duplicates' }))).toEqual([c.id]);
    expect(ids(listTasks(doc, { q: 'nothing like this' }))).toEqual([]);
    expectBoardError('invalid_input', () => listTasks(doc, { kind: 'bug' } as never));
  });
});

describe('updateTask', () => {
  it('changes fields and bumps updatedAt', () => {
    const doc = newBoard();
    const task = createTask(doc, { title: 'Old' }, { now: at(0) });
    const updated = updateTask(
      doc,
      task.id,
      {
        title: ' New ',
        description: 'More',
        kind: 'change',
        assignee: 'bob',
        priority: 'high',
        dueAt: iso(100),
        estimateMinutes: 30,
        progress: 50
      },
      { now: at(1) }
    );
    expect(updated).toMatchObject({
      title: 'New',
      description: 'More',
      kind: 'change',
      assignee: 'bob',
      priority: 'high',
      dueAt: iso(100),
      estimateMinutes: 30,
      progress: 50,
      updatedAt: iso(1),
      createdAt: iso(0),
      status: 'backlog',
      position: task.position
    });
    const cleared = updateTask(doc, task.id, {
      assignee: null,
      dueAt: null,
      estimateMinutes: null
    });
    expect(cleared).toMatchObject({ assignee: null, dueAt: null, estimateMinutes: null });
  });

  it('writes nothing when the patch changes nothing', () => {
    const doc = newBoard();
    const task = createTask(doc, { title: 'Same', priority: 'low' }, { now: at(0) });
    let result: Task | undefined;
    const updates = countUpdates(doc, () => {
      result = updateTask(
        doc,
        task.id,
        { title: 'Same', priority: 'low', archived: false },
        { now: at(9) }
      );
    });
    expect(updates).toBe(0);
    expect(result?.updatedAt).toBe(iso(0));
  });

  it('replaces labels and links per key', () => {
    const doc = newBoard();
    for (const id of ['a', 'b', 'c']) upsertLabel(doc, { id, name: id, color: '#000000' });
    const task = createTask(
      doc,
      { title: 'x', labels: ['a', 'b'], links: [{ type: 'ci', target: 'web-1' }] },
      { now: at(0) }
    );
    const labelsMap = (doc.getMap('tasks').get(task.id) as Y.Map<unknown>).get('labels');
    const updated = updateTask(
      doc,
      task.id,
      {
        labels: ['c', 'b'],
        links: [
          { type: 'ci', target: 'web-1' },
          { type: 'runbook', target: 'rb-1' }
        ]
      },
      { now: at(5) }
    );
    expect(updated.labels).toEqual(['b', 'c']);
    expect(updated.links).toEqual([
      { type: 'ci', target: 'web-1', addedAt: iso(0) },
      { type: 'runbook', target: 'rb-1', addedAt: iso(5) }
    ]);
    // The nested map is edited in place, not replaced.
    expect((doc.getMap('tasks').get(task.id) as Y.Map<unknown>).get('labels')).toBe(labelsMap);
    expect(updateTask(doc, task.id, { labels: [], links: [] })).toMatchObject({
      labels: [],
      links: []
    });
    expectBoardError('invalid_input', () => updateTask(doc, task.id, { labels: ['ghost'] }));
  });

  it('keeps a label that was deleted from the board if the task already had it', () => {
    const doc = newBoard();
    upsertLabel(doc, { id: 'a', name: 'a', color: '#000000' });
    upsertLabel(doc, { id: 'b', name: 'b', color: '#000000' });
    const task = createTask(doc, { title: 'x', labels: ['a'] });
    // Simulate a concurrent removal that left a dangling id on the task.
    doc.getMap('labels').delete('a');
    expect(updateTask(doc, task.id, { labels: ['a', 'b'] }).labels).toEqual(['a', 'b']);
  });

  it('moves to the end of a column on status change and archives', () => {
    const doc = newBoard();
    const first = createTask(doc, { title: '1', status: 'in-progress' });
    const task = createTask(doc, { title: 't' }, { now: at(0) });
    const moved = updateTask(doc, task.id, { status: 'in-progress' }, { now: at(3) });
    expect(moved).toMatchObject({ status: 'in-progress', startedAt: iso(3), updatedAt: iso(3) });
    expect(columnIds(doc, 'in-progress')).toEqual([first.id, task.id]);
    const archived = updateTask(doc, task.id, { archived: true }, { now: at(4) });
    expect(archived.archivedAt).toBe(iso(4));
    expect(ids(listTasks(doc))).toEqual([first.id]);
    expect(updateTask(doc, task.id, { archived: false }, { now: at(5) }).archivedAt).toBeNull();
  });

  it('refuses bad patches', () => {
    const doc = newBoard();
    const task = createTask(doc, { title: 'x' });
    expectBoardError('invalid_input', () => updateTask(doc, task.id, {}));
    expectBoardError('invalid_input', () => updateTask(doc, task.id, { title: '' }));
    expectBoardError('invalid_input', () => updateTask(doc, task.id, { status: 'nope' }));
    expectBoardError('invalid_input', () =>
      updateTask(doc, task.id, { createdAt: iso(0) } as never)
    );
    expectBoardError('not_found', () => updateTask(doc, 'nope', { title: 'y' }));
    expect(getTask(doc, task.id)?.title).toBe('x');
  });
});

describe('moveTask', () => {
  function boardWithTasks(): { doc: Y.Doc; t: Task[] } {
    const doc = newBoard();
    const t = ['a', 'b', 'c', 'd'].map((title) =>
      createTask(doc, { title, status: 'todo' }, { id: title, now: at(0) })
    );
    return { doc, t };
  }

  it('places the card before, after or at the end', () => {
    const { doc } = boardWithTasks();
    moveTask(doc, 'd', { status: 'todo', beforeId: 'a' });
    expect(columnIds(doc, 'todo')).toEqual(['d', 'a', 'b', 'c']);
    moveTask(doc, 'd', { status: 'todo', afterId: 'b' });
    expect(columnIds(doc, 'todo')).toEqual(['a', 'b', 'd', 'c']);
    moveTask(doc, 'a', { status: 'todo' });
    expect(columnIds(doc, 'todo')).toEqual(['b', 'd', 'c', 'a']);
    moveTask(doc, 'c', { status: 'review' });
    moveTask(doc, 'b', { status: 'review', beforeId: 'c' });
    moveTask(doc, 'a', { status: 'review', afterId: 'b' });
    expect(columnIds(doc, 'review')).toEqual(['b', 'a', 'c']);
    expect(columnIds(doc, 'todo')).toEqual(['d']);
  });

  it('writes lifecycle timestamps when the event happens', () => {
    const doc = newBoard();
    const inc = createTask(doc, { title: 'DB down', kind: 'incident' }, { id: 'inc', now: at(0) });
    expect(inc).toMatchObject({ startedAt: null, doneAt: null, resolvedAt: null });

    expect(moveTask(doc, 'inc', { status: 'todo' }, { now: at(1) })).toMatchObject({
      startedAt: null,
      updatedAt: iso(1)
    });
    expect(moveTask(doc, 'inc', { status: 'in-progress' }, { now: at(2) }).startedAt).toBe(iso(2));
    expect(moveTask(doc, 'inc', { status: 'review' }, { now: at(3) }).startedAt).toBe(iso(2));
    expect(moveTask(doc, 'inc', { status: 'done' }, { now: at(4) })).toMatchObject({
      startedAt: iso(2),
      doneAt: iso(4),
      resolvedAt: iso(4)
    });
    // Moving within done keeps the time it got done.
    expect(moveTask(doc, 'inc', { status: 'done' }, { now: at(5) }).doneAt).toBe(iso(4));
    // Reopened: doneAt is cleared, the first resolution is kept.
    expect(moveTask(doc, 'inc', { status: 'in-progress' }, { now: at(6) })).toMatchObject({
      startedAt: iso(2),
      doneAt: null,
      resolvedAt: iso(4)
    });
    expect(moveTask(doc, 'inc', { status: 'done' }, { now: at(7) })).toMatchObject({
      doneAt: iso(7),
      resolvedAt: iso(4)
    });

    // A plain task keeps its first completion too: moved out and back, it is not done anew.
    const task = createTask(doc, { title: 'plain' }, { now: at(0) });
    expect(moveTask(doc, task.id, { status: 'done' }, { now: at(8) })).toMatchObject({
      doneAt: iso(8),
      resolvedAt: iso(8),
      startedAt: null
    });
    moveTask(doc, task.id, { status: 'todo' }, { now: at(9) });
    expect(moveTask(doc, task.id, { status: 'done' }, { now: at(10) })).toMatchObject({
      doneAt: iso(10),
      resolvedAt: iso(8)
    });
  });

  it('acknowledges incidents once', () => {
    const doc = newBoard();
    const inc = createTask(doc, { title: 'Pager', kind: 'incident' }, { now: at(0) });
    expect(acknowledgeIncident(doc, inc.id, { now: at(2) })).toMatchObject({
      acknowledgedAt: iso(2),
      updatedAt: iso(2)
    });
    expect(acknowledgeIncident(doc, inc.id, { now: at(3) }).acknowledgedAt).toBe(iso(2));
    const task = createTask(doc, { title: 'plain' });
    expectBoardError('conflict', () => acknowledgeIncident(doc, task.id));
    expectBoardError('not_found', () => acknowledgeIncident(doc, 'nope'));
  });

  it('archives and restores', () => {
    const doc = newBoard();
    const task = createTask(doc, { title: 'x' });
    expect(archiveTask(doc, task.id, { now: at(1) }).archivedAt).toBe(iso(1));
    expect(countUpdates(doc, () => archiveTask(doc, task.id, { now: at(2) }))).toBe(0);
    expect(getTask(doc, task.id)?.archivedAt).toBe(iso(1));
    expect(unarchiveTask(doc, task.id).archivedAt).toBeNull();
    expectBoardError('not_found', () => archiveTask(doc, 'nope'));
    expectBoardError('not_found', () => unarchiveTask(doc, 'nope'));
  });

  it('refuses bad moves without touching the document', () => {
    const { doc } = boardWithTasks();
    moveTask(doc, 'd', { status: 'review' });
    const bad: Array<[DomainErrorCode, () => unknown]> = [
      ['not_found', () => moveTask(doc, 'nope', { status: 'todo' })],
      ['invalid_input', () => moveTask(doc, 'a', { status: 'nope' })],
      ['invalid_input', () => moveTask(doc, 'a', { status: 'todo', beforeId: 'a' })],
      ['invalid_input', () => moveTask(doc, 'a', { status: 'todo', afterId: 'ghost' })],
      ['conflict', () => moveTask(doc, 'a', { status: 'todo', beforeId: 'd' })],
      ['invalid_input', () => moveTask(doc, 'a', { status: 'todo', after: 'b' } as never)],
      ['invalid_input', () => moveTask(doc, 'a', { status: 'todo' }, { now: new Date(NaN) })]
    ];
    for (const [code, fn] of bad) {
      expect(countUpdates(doc, () => expectBoardError(code, fn))).toBe(0);
    }
  });

  it('makes room when neighbours share a key (concurrent inserts) or have a broken one', () => {
    const { doc } = boardWithTasks();
    const tasks = doc.getMap('tasks');
    // b and c got the same key on two replicas; ties sort by id.
    const bPosition = getTask(doc, 'b')?.position ?? '';
    (tasks.get('c') as Y.Map<unknown>).set('position', bPosition);
    expect(columnIds(doc, 'todo')).toEqual(['a', 'b', 'c', 'd']);
    moveTask(doc, 'a', { status: 'todo', afterId: 'b' });
    expect(columnIds(doc, 'todo')).toEqual(['b', 'a', 'c', 'd']);
    const positions = listTasks(doc, { status: 'todo' }).map((t) => t.position);
    expect(new Set(positions).size).toBe(4);
    expect([...positions].sort()).toEqual(positions);

    (tasks.get('c') as Y.Map<unknown>).set('position', 'not a key');
    const order = columnIds(doc, 'todo');
    moveTask(doc, 'd', { status: 'todo', afterId: 'c' });
    const expected = order.filter((id) => id !== 'd');
    expected.splice(expected.indexOf('c') + 1, 0, 'd');
    expect(columnIds(doc, 'todo')).toEqual(expected);
    for (const task of listTasks(doc)) expect(isValidKey(task.position), task.id).toBe(true);
  });

  it('keeps positions valid and ordered over many moves', () => {
    const doc = newBoard();
    const random = seededRandom(7);
    const all = Array.from({ length: 40 }, (_, i) => createTask(doc, { title: `t${i}` }).id);
    const statuses = listColumns(doc).map((c) => c.id);
    for (let i = 0; i < 500; i++) {
      const id = pick(random, all) ?? '';
      const status = pick(random, statuses) ?? 'todo';
      const siblings = columnIds(doc, status).filter((s) => s !== id);
      const neighbour = pick(random, siblings);
      const before = random() < 0.5;
      const target =
        neighbour === undefined
          ? { status }
          : before
            ? { status, beforeId: neighbour }
            : { status, afterId: neighbour };
      moveTask(doc, id, target);
      const now = columnIds(doc, status);
      if (neighbour !== undefined) {
        expect(now.indexOf(id) - now.indexOf(neighbour)).toBe(before ? -1 : 1);
      } else {
        expect(now[now.length - 1]).toBe(id);
      }
    }
    const listed = listTasks(doc);
    expect(listed).toHaveLength(40);
    for (const task of listed) expect(isValidKey(task.position)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Observing

/** A mirror of the tasks that only ever sees `observeTasks` changes. */
function mirror(doc: Y.Doc): { tasks: Map<string, Task>; calls: TaskCallLog[]; stop: () => void } {
  const tasks = new Map(listTasks(doc, { includeArchived: true }).map((t) => [t.id, t]));
  const calls: TaskCallLog[] = [];
  const stop = observeTasks(doc, (changes) => {
    calls.push({ upserted: ids(changes.upserted), removed: changes.removed });
    for (const task of changes.upserted) tasks.set(task.id, task);
    for (const id of changes.removed) tasks.delete(id);
  });
  return { tasks, calls, stop };
}

interface TaskCallLog {
  upserted: string[];
  removed: string[];
}

function sortedValues(tasks: Map<string, Task>): Task[] {
  return [...tasks.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function byId(doc: Y.Doc): Task[] {
  return listTasks(doc, { includeArchived: true }).sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('observeTasks', () => {
  it('reports only the tasks that changed, once per transaction', () => {
    const doc = newBoard();
    upsertLabel(doc, { id: 'db', name: 'db', color: '#000000' });
    for (let i = 0; i < 200; i++) createTask(doc, { title: `t${i}` }, { id: `t${i}` });
    const view = mirror(doc);
    createTask(doc, { title: 'new' }, { id: 'fresh' });
    updateTask(doc, 't5', { title: 'renamed', labels: ['db'] });
    updateTask(doc, 't6', { labels: [] }); // no change: no call
    updateTask(doc, 't5', { labels: [] }); // nested labels map only
    moveTask(doc, 't7', { status: 'done' });
    archiveTask(doc, 't8');
    upsertLabel(doc, { id: 'net', name: 'net', color: '#000000' }); // not a task change
    expect(view.calls).toEqual([
      { upserted: ['fresh'], removed: [] },
      { upserted: ['t5'], removed: [] },
      { upserted: ['t5'], removed: [] },
      { upserted: ['t7'], removed: [] },
      { upserted: ['t8'], removed: [] }
    ]);
    doc.getMap('tasks').delete('t9');
    expect(view.calls.at(-1)).toEqual({ upserted: [], removed: ['t9'] });
    expect(sortedValues(view.tasks)).toEqual(byId(doc));
    view.stop();
    createTask(doc, { title: 'unseen' });
    expect(view.calls).toHaveLength(6);
  });

  it('sees remote changes, including a re-key of tied neighbours', () => {
    const a = newBoard();
    for (const id of ['x', 'y', 'z']) createTask(a, { title: id }, { id, now: at(0) });
    const b = replicaOf(a);
    const view = mirror(b);
    moveTask(a, 'z', { status: 'todo' }, { now: at(1) });
    updateTask(a, 'x', { title: 'X' }, { now: at(1) });
    syncOneWay(a, b);
    expect(view.calls.length).toBe(1);
    expect(view.calls[0]?.upserted.sort()).toEqual(['x', 'z']);
    expect(sortedValues(view.tasks)).toEqual(byId(b));
  });
});

// ---------------------------------------------------------------------------------------------
// Concurrency

function expectConverged(...docs: Y.Doc[]): Task[] {
  const first = docs[0];
  if (first === undefined) throw new Error('no docs');
  const reference = listTasks(first, { includeArchived: true });
  for (const doc of docs.slice(1)) {
    expect(listTasks(doc, { includeArchived: true })).toEqual(reference);
    expect(listColumns(doc)).toEqual(listColumns(first));
    expect(listLabels(doc)).toEqual(listLabels(first));
  }
  expect(new Set(ids(reference)).size).toBe(reference.length);
  return reference;
}

describe('concurrent edits', () => {
  it('a card moved to different columns on two replicas ends up in exactly one', () => {
    const a = newBoard();
    for (const id of ['p', 'q', 'card']) createTask(a, { title: id }, { id, now: at(0) });
    moveTask(a, 'p', { status: 'review' }, { now: at(0) });
    const b = replicaOf(a);
    moveTask(a, 'card', { status: 'in-progress' }, { now: at(1) });
    moveTask(b, 'card', { status: 'review', beforeId: 'p' }, { now: at(2) });
    syncAll(a, b);
    const tasks = expectConverged(a, b);
    expect(tasks.filter((t) => t.id === 'card')).toHaveLength(1);
    expect(tasks).toHaveLength(3);
    const card = getTask(a, 'card');
    expect(['in-progress', 'review']).toContain(card?.status);
    expect(card?.startedAt).not.toBeNull();
  });

  it('moves to done and back on two replicas keep status and doneAt consistent', () => {
    const a = newBoard();
    createTask(a, { title: 'c', kind: 'incident' }, { id: 'c', now: at(0) });
    moveTask(a, 'c', { status: 'in-progress' }, { now: at(0) });
    const b = replicaOf(a);
    moveTask(a, 'c', { status: 'done' }, { now: at(1) });
    moveTask(b, 'c', { status: 'todo' }, { now: at(2) });
    syncAll(a, b);
    expectConverged(a, b);
    const card = getTask(a, 'c');
    expect(card?.doneAt !== null).toBe(card?.status === 'done');
  });

  it('two cards inserted at the same spot both survive, ordered by id', () => {
    const a = newBoard();
    for (const id of ['p', 'q', 'm1', 'm2']) createTask(a, { title: id }, { id, now: at(0) });
    moveTask(a, 'm1', { status: 'review' });
    moveTask(a, 'm2', { status: 'review' });
    const b = replicaOf(a);
    moveTask(a, 'm2', { status: 'backlog', afterId: 'p' });
    moveTask(b, 'm1', { status: 'backlog', afterId: 'p' });
    syncAll(a, b);
    expect(getTask(a, 'm1')?.position).toBe(getTask(a, 'm2')?.position);
    expect(columnIds(a, 'backlog')).toEqual(['p', 'm1', 'm2', 'q']);
    expectConverged(a, b);
    // The next insert into the tie re-keys it.
    moveTask(a, 'q', { status: 'backlog', beforeId: 'm2' });
    expect(columnIds(a, 'backlog')).toEqual(['p', 'm1', 'q', 'm2']);
    syncAll(a, b);
    expectConverged(a, b);
  });

  it('tasks created at the end of a column on both replicas are all kept', () => {
    const a = newBoard();
    const b = replicaOf(a);
    const fromA = Array.from({ length: 5 }, (_, i) =>
      createTask(a, { title: `a${i}` }, { id: `a${i}` })
    );
    const fromB = Array.from({ length: 5 }, (_, i) =>
      createTask(b, { title: `b${i}` }, { id: `b${i}` })
    );
    syncAll(a, b);
    const tasks = expectConverged(a, b);
    expect(ids(tasks).sort()).toEqual([...ids(fromA), ...ids(fromB)].sort());
  });

  it('an archive on one replica and an edit on the other both apply', () => {
    const a = newBoard();
    upsertLabel(a, { id: 'l1', name: 'l1', color: '#000000' });
    upsertLabel(a, { id: 'l2', name: 'l2', color: '#000000' });
    upsertLabel(a, { id: 'l3', name: 'l3', color: '#000000' });
    createTask(a, { title: 'old', labels: ['l1', 'l2'] }, { id: 't', now: at(0) });
    const b = replicaOf(a);
    archiveTask(a, 't', { now: at(1) });
    updateTask(a, 't', { labels: ['l1', 'l2', 'l3'] }, { now: at(1) });
    updateTask(b, 't', { title: 'new', labels: ['l2'] }, { now: at(2) });
    syncAll(a, b);
    expectConverged(a, b);
    const task = getTask(a, 't');
    expect(task).toMatchObject({ title: 'new', archivedAt: iso(1) });
    // Per-label merge: a added l3, b removed l1; both survive.
    expect(task?.labels).toEqual(['l2', 'l3']);
  });

  it('a label removed on one replica while added to a task on the other converges', () => {
    const a = newBoard();
    upsertLabel(a, { id: 'db', name: 'db', color: '#000000' });
    createTask(a, { title: 't' }, { id: 't' });
    const b = replicaOf(a);
    removeLabel(a, 'db');
    updateTask(b, 't', { labels: ['db'] });
    syncAll(a, b);
    expectConverged(a, b);
    expect(listLabels(a)).toEqual([]);
  });

  const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 42, 1337];
  for (const seed of seeds) {
    it(`three replicas doing random edits converge (seed ${seed})`, () => {
      const random = seededRandom(seed);
      const origin = newBoard();
      for (const id of ['l1', 'l2', 'l3']) upsertLabel(origin, { id, name: id, color: '#000000' });
      addColumn(origin, { id: 'blocked', name: 'Blocked', category: 'in_progress' });
      const replicas = [replicaOf(origin), replicaOf(origin), replicaOf(origin)];
      const view = mirror(replicas[0] ?? origin);
      const statuses = listColumns(origin).map((c) => c.id);
      const labels = ['l1', 'l2', 'l3'];
      const created: string[] = [];
      let clock = 0;

      for (let step = 0; step < 400; step++) {
        const replicaIndex = Math.floor(random() * replicas.length);
        const doc = replicas[replicaIndex];
        if (doc === undefined) throw new Error('no replica');
        const now = at(clock++);
        const known = listTasks(doc, { includeArchived: true });
        const task = pick(random, known);
        const roll = random();
        if (roll < 0.2 || task === undefined) {
          const id = `r${replicaIndex}-${step}`;
          const kind = pick(random, ['task', 'incident', 'change'] as const) ?? 'task';
          const status = random() < 0.5 ? pick(random, statuses) : undefined;
          createTask(doc, { title: `task ${id}`, kind, status }, { id, now });
          created.push(id);
        } else if (roll < 0.6) {
          const status = pick(random, statuses) ?? 'todo';
          const siblings = columnIds(doc, status).filter((id) => id !== task.id);
          const neighbour = pick(random, siblings);
          const where = random();
          const target =
            neighbour === undefined || where < 0.2
              ? { status }
              : where < 0.6
                ? { status, beforeId: neighbour }
                : { status, afterId: neighbour };
          moveTask(doc, task.id, target, { now });
        } else if (roll < 0.8) {
          const patch =
            random() < 0.5
              ? { title: `edit ${step}`, labels: labels.filter(() => random() < 0.5) }
              : { status: pick(random, statuses) ?? 'todo', priority: 'high' as const };
          updateTask(doc, task.id, patch, { now });
        } else if (roll < 0.9) {
          if (task.archivedAt === null) archiveTask(doc, task.id, { now });
          else unarchiveTask(doc, task.id, { now });
        } else if (task.kind === 'incident') {
          acknowledgeIncident(doc, task.id, { now });
        } else {
          updateTask(doc, task.id, { progress: Math.floor(random() * 101) }, { now });
        }

        // Random partial syncing: sometimes one replica hears from another.
        if (random() < 0.3) {
          const from = pick(random, replicas);
          const to = pick(random, replicas);
          if (from !== undefined && to !== undefined && from !== to) syncOneWay(from, to);
        }
      }

      syncAll(...replicas);
      const tasks = expectConverged(...replicas);
      expect(ids(tasks).sort()).toEqual([...created].sort());
      for (const task of tasks) {
        expect(isValidKey(task.position), task.id).toBe(true);
        expect(taskSchema.safeParse(task).success, task.id).toBe(true);
      }
      const first = replicas[0];
      if (first === undefined) throw new Error('no replica');
      expect(sortedValues(view.tasks)).toEqual(byId(first));
    });
  }
});
