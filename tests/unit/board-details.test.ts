/**
 * The task detail parts of the board model: the collaborative description, checklist,
 * comments, activity log, task lookup by key, per-task observation and bulk edits — each with
 * its refusals, and the concurrent cases on two replicas.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { z } from 'zod';
import {
  followTask,
  addChecklistItem,
  addComment,
  archiveTask,
  assignTaskKey,
  createTask,
  deleteComment,
  editComment,
  findTask,
  getTask as getCard,
  getTaskDetail,
  listTasks,
  moveChecklistItem,
  moveTask,
  observeTask,
  observeTasks,
  readTask,
  removeChecklistItem,
  setTaskDescription,
  textSplice,
  unarchiveTask,
  updateChecklistItem,
  updateTask,
  updateTasks,
  upsertLabel
} from '../../src/lib/shared/board/board-model';
import type { TaskChanges } from '../../src/lib/shared/board/board-model';
import type { DomainErrorCode } from '../../src/lib/shared/model/domain-error';
import {
  MAX_CHECKLIST_ITEMS,
  activityEntrySchema,
  bulkTaskPatchSchema,
  checklistItemSchema,
  commentSchema,
  taskDetailSchema
} from '../../src/lib/shared/board/schema';
import type { TaskDetail } from '../../src/lib/shared/board/schema';
import {
  at,
  countUpdates,
  iso,
  newBoard as newBoardOnly,
  replicaOf,
  syncAll,
  expectBoardError
} from '../fixtures/board';
import { initTaskContent, taskContentOf } from '../../src/lib/shared/board/task-doc';

/** A board whose document also holds one task's content, set up as the server does. */
function newBoard(): Y.Doc {
  const doc = newBoardOnly();
  doc.transact(() => initTaskContent(doc));
  return doc;
}

/** The task view with its content-derived summaries (the server writes them into the card). */
function getTask(doc: Y.Doc, id: string): TaskDetail | null {
  return getTaskDetail(doc, id, doc);
}
import { seededRandom } from '../helpers/random';

// ---------------------------------------------------------------------------------------------
// Helpers

/** Every refusal in `cases` throws its code and leaves the document untouched. */
function expectRefusals(doc: Y.Doc, cases: Array<[DomainErrorCode, () => unknown]>): void {
  for (const [code, fn] of cases) {
    expect(countUpdates(doc, () => expectBoardError(code, fn))).toBe(0);
  }
}

function detail(doc: Y.Doc, id: string): TaskDetail {
  // The board document doubles as the task's document (root map `task`): one task with content
  // per document in these tests. Summaries come from the content (the server writes them).
  const found = getTaskDetail(doc, id, doc);
  if (found === null) throw new Error(`no task ${id}`);
  return found;
}

function taskMap(doc: Y.Doc, id: string): Y.Map<unknown> {
  const map = doc.getMap('tasks').get(id);
  if (!(map instanceof Y.Map)) throw new Error(`no task ${id}`);
  return map as Y.Map<unknown>;
}

/** The model wrote no activity: no `activity` key in the task, none in its detail. */
function expectNoActivity(doc: Y.Doc, id: string): void {
  expect(taskMap(doc, id).has('activity')).toBe(false);
  expect(detail(doc, id).activity).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// Schemas

describe('detail schemas', () => {
  it('are named components and validate their shapes', () => {
    const all = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12' });
    for (const name of [
      'ChecklistItem',
      'Comment',
      'ActivityEntry',
      'ActivityAction',
      'TaskDetail',
      'TaskBulkPatch'
    ]) {
      expect(all.schemas[name], name).toBeDefined();
    }
    const item = {
      id: 'i1',
      text: ' Drain node ',
      done: false,
      position: 'a0',
      doneBy: null,
      doneAt: null
    };
    expect(checklistItemSchema.parse(item).text).toBe('Drain node');
    expect(checklistItemSchema.safeParse({ ...item, text: '  ' }).success).toBe(false);
    expect(checklistItemSchema.safeParse({ ...item, text: 'x'.repeat(501) }).success).toBe(false);
    const comment = { id: 'c1', author: 'm1', body: 'ok', createdAt: iso(0), editedAt: null };
    expect(commentSchema.safeParse(comment).success).toBe(true);
    expect(commentSchema.safeParse({ ...comment, body: 'x'.repeat(10_001) }).success).toBe(false);
    expect(
      activityEntrySchema.safeParse({ at: iso(0), by: null, action: 'moved', from: 'a', to: 'b' })
        .success
    ).toBe(true);
    expect(activityEntrySchema.safeParse({ at: iso(0), by: null, action: 'x' }).success).toBe(
      false
    );
    expect(bulkTaskPatchSchema.safeParse({ ids: ['a'], patch: { priority: 'low' } }).success).toBe(
      true
    );
    for (const bad of [
      { ids: [], patch: { priority: 'low' } },
      { ids: ['a', 'a'], patch: { priority: 'low' } },
      { ids: Array.from({ length: 501 }, (_, i) => `t${i}`), patch: { priority: 'low' } },
      { ids: ['a'], patch: {} },
      { ids: ['a'], patch: { priority: 'low' }, extra: 1 }
    ]) {
      expect(bulkTaskPatchSchema.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(
        false
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Description

describe('description', () => {
  it('computes the minimal splice and never cuts a surrogate pair', () => {
    expect(textSplice('abc', 'abc')).toBeNull();
    expect(textSplice('hello world', 'hello brave world')).toEqual({
      index: 6,
      deleteCount: 0,
      insert: 'brave '
    });
    expect(textSplice('abcdef', 'abXYef')).toEqual({ index: 2, deleteCount: 2, insert: 'XY' });
    expect(textSplice('aaa', 'aa')).toEqual({ index: 2, deleteCount: 1, insert: '' });
    expect(textSplice('', 'new')).toEqual({ index: 0, deleteCount: 0, insert: 'new' });
    // 😀 and 😃 share their high surrogate: the splice must take the whole character.
    expect(textSplice('a😀b', 'a😃b')).toEqual({ index: 1, deleteCount: 2, insert: '😃' });
    // …and the same low surrogate after different high ones.
    const splice = textSplice('x\u{1F600}', 'x\u{1F700}');
    expect(splice?.index).toBe(1);
    expect(splice?.insert).toBe('\u{1F700}');
  });

  it('is a Y.Text on new tasks, changed by minimal diffs', () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't', now: at(0) });
    setTaskDescription(doc, 'one two three');
    const text = taskContentOf(doc).get('description');
    expect(text).toBeInstanceOf(Y.Text);
    expect(getTask(doc, 't')?.description).toBe('one two three');
    const deltas: unknown[] = [];
    (text as Y.Text).observe((event) => deltas.push(event.delta));
    setTaskDescription(doc, 'one 2 three', { now: at(1), actor: 'm1' });
    expect(deltas).toEqual([[{ retain: 4 }, { delete: 3 }, { insert: '2' }]]);
    expect(getTask(doc, 't')).toMatchObject({ description: 'one 2 three', updatedAt: iso(1) });
    // The same Y.Text stays in place: no replacement that would drop concurrent edits.
    expect(taskContentOf(doc).get('description')).toBe(text);
    setTaskDescription(doc, 'one 2 three!');
    expect(deltas.at(-1)).toEqual([{ retain: 11 }, { insert: '!' }]);
    // Activity is the server's record (tests/unit/activity-derive.test.ts): none in the doc.
    expectNoActivity(doc, 't');
  });

  it('changes updatedAt on each description edit and writes no activity', () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't', now: at(0) });
    setTaskDescription(doc, 'a', { now: at(1), actor: 'm1' });
    setTaskDescription(doc, 'abc', { now: at(10), actor: 'm1' });
    expect(getTask(doc, 't')).toMatchObject({ description: 'abc', updatedAt: iso(10) });
    expectNoActivity(doc, 't');
  });

  it('reads an old plain string and replaces it by a Y.Text on first change', () => {
    const doc = newBoard();
    createTask(doc, { title: 'Old' }, { id: 'old' });
    taskContentOf(doc).set('description', 'written by an old client');
    expect(getTask(doc, 'old')?.description).toBe('written by an old client');
    setTaskDescription(doc, 'written by a new client');
    expect(taskContentOf(doc).get('description')).toBeInstanceOf(Y.Text);
    expect(getTask(doc, 'old')?.description).toBe('written by a new client');
  });

  it('reads an old-layout description kept in the card until the server moves it', () => {
    const doc = newBoardOnly();
    createTask(doc, { title: 'Old', description: 'in the card' }, { id: 'old' });
    expect(getCard(doc, 'old')?.description).toBe('in the card');
    expect(getTaskDetail(doc, 'old', new Y.Doc())?.description).toBe('in the card');
  });

  it('keeps both of two concurrent edits at different places', () => {
    const a = newBoard();
    createTask(a, { title: 'T' }, { id: 't' });
    setTaskDescription(a, 'Step 1: drain.\nStep 2: patch.');
    const b = replicaOf(a);
    setTaskDescription(a, 'Step 1: drain the node.\nStep 2: patch.');
    setTaskDescription(b, 'Step 1: drain.\nStep 2: patch and reboot.');
    syncAll(a, b);
    const merged = 'Step 1: drain the node.\nStep 2: patch and reboot.';
    expect(getTask(a, 't')?.description).toBe(merged);
    expect(getTask(b, 't')?.description).toBe(merged);
  });

  it('refuses bad input, and writes nothing when unchanged', () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't', now: at(0) });
    setTaskDescription(doc, 'same');
    expectRefusals(doc, [
      ['invalid_input', () => setTaskDescription(doc, 'x'.repeat(100_001))],
      ['invalid_input', () => setTaskDescription(doc, 42 as never)],
      ['invalid_input', () => setTaskDescription(doc, 'ok', { actor: 'a b' })]
    ]);
    expect(countUpdates(doc, () => setTaskDescription(doc, 'same'))).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Checklist

describe('checklist', () => {
  it('adds items at the end or after one, ticks, renames, moves and removes them', () => {
    const doc = newBoard();
    createTask(doc, { title: 'Patch' }, { id: 't', now: at(0) });
    const a = addChecklistItem(doc, ' Drain ', { id: 'a', now: at(1), actor: 'm1' });
    expect(a).toEqual({
      id: 'a',
      text: 'Drain',
      done: false,
      position: a.position,
      doneBy: null,
      doneAt: null
    });
    expect(checklistItemSchema.parse(a)).toEqual(a);
    addChecklistItem(doc, 'Reboot', { id: 'c' });
    addChecklistItem(doc, 'Patch', { id: 'b', afterId: 'a' });
    const order = () => detail(doc, 't').checklist.map((i) => i.id);
    expect(order()).toEqual(['a', 'b', 'c']);

    const done = updateChecklistItem(doc, 'b', { done: true }, { now: at(2), actor: 'm2' });
    expect(done).toMatchObject({ done: true, doneBy: 'm2', doneAt: iso(2) });
    expect(getTask(doc, 't')).toMatchObject({
      checklistDone: 1,
      checklistTotal: 3,
      updatedAt: iso(2)
    });
    // Ticking an item that is already done changes nothing.
    expect(countUpdates(doc, () => updateChecklistItem(doc, 'b', { done: true }))).toBe(0);
    const undone = updateChecklistItem(doc, 'b', { done: false }, { now: at(3) });
    expect(undone).toMatchObject({ done: false, doneBy: null, doneAt: null });
    expect(updateChecklistItem(doc, 'c', { text: ' Reboot twice ' }).text).toBe('Reboot twice');

    moveChecklistItem(doc, 'c', { beforeId: 'a' });
    expect(order()).toEqual(['c', 'a', 'b']);
    moveChecklistItem(doc, 'c', { afterId: 'a' });
    expect(order()).toEqual(['a', 'c', 'b']);
    moveChecklistItem(doc, 'a', {});
    expect(order()).toEqual(['c', 'b', 'a']);

    removeChecklistItem(doc, 'b', { now: at(4) });
    expect(order()).toEqual(['c', 'a']);
    expect(getTask(doc, 't')).toMatchObject({ checklistDone: 0, checklistTotal: 2 });

    expectNoActivity(doc, 't');
  });

  it('refuses bad input without touching the document', () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't', now: at(0) });
    addChecklistItem(doc, 'One', { id: 'one' });
    expectRefusals(doc, [
      ['invalid_input', () => addChecklistItem(doc, '   ')],
      ['invalid_input', () => addChecklistItem(doc, 'x'.repeat(501))],
      ['invalid_input', () => addChecklistItem(doc, 'ok', { id: 'bad id' })],
      ['invalid_input', () => addChecklistItem(doc, 'ok', { afterId: 'ghost' })],
      ['invalid_input', () => addChecklistItem(doc, 'ok', { now: new Date('x') })],
      ['conflict', () => addChecklistItem(doc, 'ok', { id: 'one' })],
      ['invalid_input', () => updateChecklistItem(doc, 'one', {})],
      ['invalid_input', () => updateChecklistItem(doc, 'one', { done: 'yes' } as never)],
      ['invalid_input', () => updateChecklistItem(doc, 'one', { text: '' })],
      ['not_found', () => updateChecklistItem(doc, 'ghost', { done: true })],
      ['not_found', () => removeChecklistItem(doc, 'ghost')],
      ['invalid_input', () => moveChecklistItem(doc, 'one', { beforeId: 'one' })],
      ['invalid_input', () => moveChecklistItem(doc, 'one', { afterId: 'ghost' })],
      ['not_found', () => moveChecklistItem(doc, 'ghost', {})]
    ]);
  });

  it(`holds at most ${MAX_CHECKLIST_ITEMS} items`, () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't', now: at(0) });
    doc.transact(() => {
      for (let i = 0; i < MAX_CHECKLIST_ITEMS; i++) addChecklistItem(doc, `item ${i}`);
    });
    expectRefusals(doc, [['conflict', () => addChecklistItem(doc, 'one too many')]]);
  });

  it('keeps both items added concurrently on two replicas, and both ticks', () => {
    const a = newBoard();
    createTask(a, { title: 'T' }, { id: 't' });
    addChecklistItem(a, 'Shared', { id: 's' });
    const b = replicaOf(a);
    addChecklistItem(a, 'From A', { id: 'fa' });
    addChecklistItem(b, 'From B', { id: 'fb' });
    updateChecklistItem(b, 's', { done: true }, { actor: 'mb' });
    syncAll(a, b);
    const items = detail(a, 't').checklist;
    expect(items.map((i) => i.text)).toEqual(['Shared', 'From A', 'From B']);
    expect(detail(b, 't').checklist).toEqual(items);
    expect(getTask(a, 't')).toMatchObject({ checklistDone: 1, checklistTotal: 3 });
    // Both replicas appended the same tail position: the next insert between them still fits.
    const middle = addChecklistItem(a, 'Between', { afterId: 'fa' });
    expect(detail(a, 't').checklist.map((i) => i.id)).toEqual(['s', 'fa', middle.id, 'fb']);
  });
});

// ---------------------------------------------------------------------------------------------
// Comments

describe('comments', () => {
  it('adds, edits and deletes comments; only the author may change one', () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't', now: at(0) });
    const first = addComment(doc, ' Looking into it ', { id: 'c1', now: at(1), actor: 'm1' });
    expect(first).toEqual({
      id: 'c1',
      author: 'm1',
      body: 'Looking into it',
      createdAt: iso(1),
      editedAt: null
    });
    expect(commentSchema.parse(first)).toEqual(first);
    addComment(doc, 'Earlier, but written later', { id: 'c0', now: at(0), actor: 'm2' });
    expect(detail(doc, 't').comments.map((c) => c.id)).toEqual(['c0', 'c1']);
    expect(getTask(doc, 't')?.commentCount).toBe(2);

    const edited = editComment(doc, 'c1', 'Fixed', { now: at(5), actor: 'm1' });
    expect(edited).toMatchObject({ body: 'Fixed', editedAt: iso(5), createdAt: iso(1) });
    expect(countUpdates(doc, () => editComment(doc, 'c1', 'Fixed', { actor: 'm1' }))).toBe(0);
    expectRefusals(doc, [
      ['forbidden', () => editComment(doc, 'c1', 'Hijacked', { actor: 'm2' })],
      ['forbidden', () => editComment(doc, 'c1', 'Hijacked')],
      ['forbidden', () => deleteComment(doc, 'c1', { actor: 'm2' })]
    ]);
    deleteComment(doc, 'c1', { now: at(6), actor: 'm1' });
    expect(detail(doc, 't').comments.map((c) => c.id)).toEqual(['c0']);
    expect(getTask(doc, 't')).toMatchObject({ commentCount: 1, updatedAt: iso(6) });
    expectNoActivity(doc, 't');
  });

  it('refuses bad input without touching the document', () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't', now: at(0) });
    addComment(doc, 'Hi', { id: 'c1', actor: 'm1' });
    expectRefusals(doc, [
      ['invalid_input', () => addComment(doc, '  ')],
      ['invalid_input', () => addComment(doc, 'x'.repeat(10_001))],
      ['invalid_input', () => addComment(doc, 'ok', { id: 'a/b' })],
      ['invalid_input', () => addComment(doc, 'ok', { actor: 'a b' })],
      ['conflict', () => addComment(doc, 'ok', { id: 'c1' })],
      ['invalid_input', () => editComment(doc, 'c1', '', { actor: 'm1' })],
      ['not_found', () => editComment(doc, 'ghost', 'ok', { actor: 'm1' })],
      ['not_found', () => deleteComment(doc, 'ghost', { actor: 'm1' })]
    ]);
  });

  it('keeps comments written concurrently on two replicas', () => {
    const a = newBoard();
    createTask(a, { title: 'T' }, { id: 't' });
    const b = replicaOf(a);
    addComment(a, 'From A', { now: at(1), actor: 'ma' });
    addComment(b, 'From B', { now: at(2), actor: 'mb' });
    syncAll(a, b);
    expect(detail(a, 't').comments.map((c) => c.body)).toEqual(['From A', 'From B']);
    expect(detail(b, 't')).toEqual(detail(a, 't'));
    expect(getTask(b, 't')?.commentCount).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------
// Activity

describe('activity', () => {
  it('is never written by the model: the server records it (activity-derive.test.ts)', () => {
    const doc = newBoard();
    upsertLabel(doc, { id: 'db', name: 'db', color: '#111111' });
    createTask(doc, { title: 'Old' }, { id: 't', now: at(0), actor: 'm1' });
    updateTask(
      doc,
      't',
      { title: 'New', priority: 'high', labels: ['db'], description: 'x', progress: 0 },
      { now: at(1), actor: 'm2' }
    );
    moveTask(doc, 't', { status: 'done' }, { now: at(4), actor: 'm3' });
    addChecklistItem(doc, 'Item', { id: 'i', now: at(5), actor: 'm1' });
    addComment(doc, 'Note', { id: 'c', now: at(5), actor: 'm1' });
    archiveTask(doc, 't', { now: at(5) });
    unarchiveTask(doc, 't', { now: at(6) });
    assignTaskKey(doc, 't', 7);
    expectNoActivity(doc, 't');
  });

  it('ignores an activity array a client wrote into the task', () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't', now: at(0) });
    const forged = new Y.Array<unknown>();
    taskMap(doc, 't').set('activity', forged);
    forged.push([{ at: iso(1), by: 'boss', action: 'archived' }]);
    expect(detail(doc, 't').activity).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Reading

describe('getTaskDetail and findTask', () => {
  it('return the task with its parts, or null', () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't', now: at(0) });
    setTaskDescription(doc, 'd');
    addChecklistItem(doc, 'Item', { id: 'i', now: at(1) });
    addComment(doc, 'Note', { id: 'c', now: at(2), actor: 'm1' });
    const found = detail(doc, 't');
    expect(taskDetailSchema.parse(found)).toEqual(found);
    expect(found).toMatchObject({
      ...getTask(doc, 't'),
      checklist: [{ id: 'i', text: 'Item' }],
      comments: [{ id: 'c', body: 'Note', author: 'm1' }]
    });
    expect(found.activity).toEqual([]);
    expect(getTaskDetail(doc, 'nope')).toBeNull();
  });

  it('finds a task by id or by human key, case-insensitively', () => {
    const doc = newBoard();
    createTask(doc, { title: 'A' }, { id: 'a' });
    createTask(doc, { title: 'B' }, { id: 'b' });
    assignTaskKey(doc, 'b', 12);
    expect(findTask(doc, 'a')?.title).toBe('A');
    expect(findTask(doc, 'OPS-12')?.id).toBe('b');
    expect(findTask(doc, 'ops-12')?.id).toBe('b');
    expect(findTask(doc, 'OPS-13')).toBeNull();
    expect(findTask(doc, '')).toBeNull();
  });

  it('reads damaged checklist and comment entries with defaults', () => {
    const doc = newBoard();
    createTask(doc, { title: 'T' }, { id: 't', now: at(0) });
    const map = taskMap(doc, 't');
    map.set('checklist', 'not a map');
    map.set('comments', 42);
    expect(readTask(map, 't')).toMatchObject({
      checklistDone: 0,
      checklistTotal: 0,
      commentCount: 0
    });
    expect(detail(doc, 't')).toMatchObject({ checklist: [], comments: [] });
    // The next write brings the containers back.
    addChecklistItem(doc, 'Item');
    addComment(doc, 'Note');
    expect(getTask(doc, 't')).toMatchObject({ checklistTotal: 1, commentCount: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// Observing

describe('observing', () => {
  it('observeTask fires for any change of its task only, and null on deletion', () => {
    const doc = newBoardOnly();
    createTask(doc, { title: 'Mine' }, { id: 'mine' });
    createTask(doc, { title: 'Other' }, { id: 'other' });
    const seen: Array<TaskDetail | null> = [];
    const stop = observeTask(doc, 'mine', (d) => seen.push(d));
    updateTask(doc, 'other', { title: 'Other 2' });
    expect(seen).toHaveLength(0);
    updateTask(doc, 'mine', { title: 'Mine 2' });
    // The server's summary of the task document's content is a change of the card.
    doc.transact(() => {
      const map = taskMap(doc, 'mine');
      map.set('checklistTotal', 1);
      map.set('commentCount', 1);
    });
    updateTask(doc, 'mine', { priority: 'high' });
    expect(seen).toHaveLength(3);
    expect(seen.at(-1)).toMatchObject({
      priority: 'high',
      title: 'Mine 2',
      checklistTotal: 1,
      commentCount: 1
    });
    doc.getMap('tasks').delete('mine');
    expect(seen.at(-1)).toBeNull();
    stop();
    createTask(doc, { title: 'Again' }, { id: 'mine' });
    expect(seen).toHaveLength(4);
  });

  it('observeTask sees remote changes and a task that appears later', () => {
    const a = newBoardOnly();
    const b = replicaOf(a);
    const seen: Array<TaskDetail | null> = [];
    observeTask(b, 'later', (d) => seen.push(d));
    createTask(a, { title: 'Later' }, { id: 'later' });
    syncAll(a, b);
    taskMap(a, 'later').set('checklistTotal', 1);
    syncAll(a, b);
    expect(seen.map((d) => d?.checklistTotal)).toEqual([0, 1]);
  });

  it('followTask follows a task by id or key, also one that arrives later, until stopped', () => {
    const a = newBoard();
    const b = replicaOf(a);
    const seen: string[] = [];
    // By id, before the task exists on this replica: nothing until it arrives.
    const stopById = followTask(b, 'later', (id) => seen.push(`id:${id}`));
    expect(seen).toEqual([]);
    createTask(a, { title: 'Later' }, { id: 'later' });
    syncAll(a, b);
    expect(seen).toEqual(['id:later']);
    // By key, once the server has numbered it; then followed by id, also when the key changes.
    assignTaskKey(a, 'later', 7);
    syncAll(a, b);
    const key = getTask(b, 'later')?.key ?? '';
    expect(key).toMatch(/-7$/);
    const stopByKey = followTask(b, key.toLowerCase(), (id) => seen.push(`key:${id}`));
    expect(seen.at(-1)).toBe('key:later');
    addComment(a, 'Remote');
    createTask(a, { title: 'Other' }, { id: 'other' });
    syncAll(a, b);
    expect(seen.slice(-2).sort()).toEqual(['id:later', 'key:later']);
    const before = seen.length;
    stopById();
    stopByKey();
    updateTask(b, 'later', { title: 'After' });
    expect(seen).toHaveLength(before);
  });

  it('observeTasks reports a task whose summaries changed', () => {
    const doc = newBoardOnly();
    for (let i = 0; i < 50; i++) createTask(doc, { title: `t${i}` }, { id: `t${i}` });
    const calls: TaskChanges[] = [];
    const stop = observeTasks(doc, (changes) => calls.push(changes));
    doc.transact(() => {
      taskMap(doc, 't1').set('checklistDone', 1);
      taskMap(doc, 't1').set('checklistTotal', 1);
    });
    taskMap(doc, 't2').set('commentCount', 1);
    stop();
    expect(calls.map((c) => [c.upserted.map((t) => t.id), c.removed])).toEqual([
      [['t1'], []],
      [['t2'], []]
    ]);
    expect(calls[0]?.upserted[0]).toMatchObject({ checklistDone: 1, checklistTotal: 1 });
    expect(calls[1]?.upserted[0]?.commentCount).toBe(1);
  });

  it('observeTasks with openOnly reports archived tasks as removed, open ones as upserted', () => {
    const doc = newBoard();
    createTask(doc, { title: 'open' }, { id: 'open' });
    createTask(doc, { title: 'old' }, { id: 'old' });
    const calls: TaskChanges[] = [];
    const stop = observeTasks(doc, (changes) => calls.push(changes), { openOnly: true });
    archiveTask(doc, 'old');
    updateTask(doc, 'open', { priority: 'high' });
    unarchiveTask(doc, 'old');
    stop();
    expect(calls.map((c) => [c.upserted.map((t) => t.id), c.removed])).toEqual([
      [[], ['old']],
      [['open'], []],
      [['old'], []]
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Bulk edit

describe('updateTasks', () => {
  it('applies one patch to every task in one transaction, in order', () => {
    const doc = newBoard();
    for (const id of ['a', 'b', 'c']) createTask(doc, { title: id }, { id, now: at(0) });
    let result: ReturnType<typeof updateTasks> = [];
    const updates = countUpdates(doc, () => {
      result = updateTasks(
        doc,
        ['c', 'a'],
        { status: 'in-progress', priority: 'urgent' },
        { now: at(1), actor: 'm1' }
      );
    });
    expect(updates).toBe(1);
    expect(result.map((t) => [t.id, t.status, t.priority, t.startedAt])).toEqual([
      ['c', 'in-progress', 'urgent', iso(1)],
      ['a', 'in-progress', 'urgent', iso(1)]
    ]);
    // Each got its own place at the end of the column, in the order given.
    expect(listTasks(doc, { status: 'in-progress' }).map((t) => t.id)).toEqual(['c', 'a']);
    expect(getTask(doc, 'b')?.priority).toBe('none');
    expectNoActivity(doc, 'a');
  });

  it('is all or nothing: a bad id or patch changes no task', () => {
    const doc = newBoard();
    upsertLabel(doc, { id: 'db', name: 'db', color: '#111111' });
    for (const id of ['a', 'b']) createTask(doc, { title: id }, { id });
    const error = expectBoardError('invalid_input', () =>
      updateTasks(doc, ['a', 'ghost', 'b', 'gone'], { priority: 'low' })
    );
    expect(error.details).toEqual({ missing: ['ghost', 'gone'] });
    expectRefusals(doc, [
      ['invalid_input', () => updateTasks(doc, ['a', 'ghost'], { priority: 'low' })],
      ['invalid_input', () => updateTasks(doc, [], { priority: 'low' })],
      ['invalid_input', () => updateTasks(doc, ['a', 'a'], { priority: 'low' })],
      ['invalid_input', () => updateTasks(doc, ['a', 'b'], {})],
      ['invalid_input', () => updateTasks(doc, ['a', 'b'], { status: 'nope' })],
      ['invalid_input', () => updateTasks(doc, ['a', 'b'], { labels: ['ghost'] })],
      ['invalid_input', () => updateTasks(doc, ['a'], { priority: 'low' }, { actor: 'x y' })]
    ]);
    expect(listTasks(doc).map((t) => t.priority)).toEqual(['none', 'none']);
  });
});

// ---------------------------------------------------------------------------------------------
// Convergence

describe('concurrent detail edits', () => {
  for (const seed of [1, 2, 3, 99]) {
    it(`three replicas editing description, checklist and comments converge (seed ${seed})`, () => {
      const random = seededRandom(seed);
      const origin = newBoard();
      createTask(origin, { title: 'T' }, { id: 't' });
      setTaskDescription(origin, 'alpha beta gamma');
      const docs = [origin, replicaOf(origin), replicaOf(origin)];
      const words = ['x', 'yy', 'zzz', '😀', 'line\n'];
      let inserted = 0;
      for (let round = 0; round < 30; round++) {
        docs.forEach((doc, r) => {
          const actor = `m${r}`;
          const d = detail(doc, 't');
          const roll = random();
          if (roll < 0.3) {
            const text = d.description;
            const at = Math.floor(random() * (text.length + 1));
            const word = words[Math.floor(random() * words.length)] ?? 'w';
            // Never split a surrogate pair when picking the insertion point.
            const safe = at > 0 && /[\uD800-\uDBFF]/.test(text.charAt(at - 1)) ? at - 1 : at;
            setTaskDescription(doc, text.slice(0, safe) + word + text.slice(safe), { actor });
            inserted += word.length;
          } else if (roll < 0.5) {
            const after = d.checklist[Math.floor(random() * d.checklist.length)]?.id;
            addChecklistItem(doc, `item ${r}.${round}`, { actor, afterId: after });
          } else if (roll < 0.6 && d.checklist.length > 0) {
            const item = d.checklist[Math.floor(random() * d.checklist.length)];
            if (item) updateChecklistItem(doc, item.id, { done: !item.done }, { actor });
          } else if (roll < 0.7 && d.checklist.length > 1) {
            const item = d.checklist[Math.floor(random() * d.checklist.length)];
            if (item) moveChecklistItem(doc, item.id, {}, { actor });
          } else if (roll < 0.9) {
            addComment(doc, `comment ${r}.${round}`, { actor });
          } else {
            const mine = d.comments.find((c) => c.author === actor);
            if (mine) deleteComment(doc, mine.id, { actor });
          }
        });
        if (random() < 0.4) syncAll(...docs);
      }
      syncAll(...docs);
      const reference = detail(docs[0]!, 't');
      for (const doc of docs.slice(1)) expect(detail(doc, 't')).toEqual(reference);
      expect(taskDetailSchema.safeParse(reference).success).toBe(true);
      expect(reference.checklistTotal).toBe(reference.checklist.length);
      expect(reference.commentCount).toBe(reference.comments.length);
      // Only inserts were made: every replica's insert survived the merge.
      expect(reference.description.length).toBe('alpha beta gamma'.length + inserted);
    });
  }
});
