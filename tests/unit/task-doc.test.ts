/**
 * The task document model (src/lib/shared/board/task-doc.ts): content read from a task
 * document, card summaries, the old layout read from the card, and the copy of an old card's
 * content into a task document (merging, idempotent, converging on two replicas).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addChecklistItem,
  addComment,
  contentSummary,
  copyBoardContent,
  createTask,
  getTask,
  getTaskDetail,
  hasBoardContent,
  initTaskContent,
  readTaskContent,
  removeBoardContent,
  setRunStep,
  setTaskDescription,
  storedSummary,
  taskContentOf,
  updateChecklistItem,
  writeSummary
} from '../../src/lib/shared/board/board-model';
import type { FieldMap } from '../../src/lib/shared/model/fields';
import { newBoard, replicaOf, syncAll } from '../fixtures/board';

function newTaskDoc(): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => initTaskContent(doc));
  return doc;
}

/** An old-layout card: content inside the entry, no summaries. */
function oldCard(board: Y.Doc, id: string): FieldMap {
  createTask(board, { title: 'Old', description: 'Old text' }, { id });
  const entry = board.getMap('tasks').get(id) as Y.Map<unknown>;
  board.transact(() => {
    for (const key of ['checklistDone', 'checklistTotal', 'commentCount']) entry.delete(key);
    const scratch = newTaskDoc();
    const item = addChecklistItem(scratch, 'Drain', { id: 'i1' });
    updateChecklistItem(scratch, item.id, { done: true });
    addChecklistItem(scratch, 'Patch', { id: 'i2' });
    addComment(scratch, 'Hello', { id: 'c1', actor: 'ada' });
    setRunStep(scratch, 'rb1', 's1', true, { actor: 'ada' });
    const content = taskContentOf(scratch);
    for (const key of ['checklist', 'comments', 'runs']) {
      const copy = new Y.Map<unknown>();
      entry.set(key, copy);
      (content.get(key) as Y.Map<unknown>).forEach((value, k) => {
        if (value instanceof Y.Map) {
          const inner = new Y.Map<unknown>();
          copy.set(k, inner);
          value.forEach((v, f) => inner.set(f, v));
        } else copy.set(k, value);
      });
    }
  });
  return entry as FieldMap;
}

describe('task documents', () => {
  it('hold description, checklist, comments and runs; the summary counts them', () => {
    const doc = newTaskDoc();
    setTaskDescription(doc, 'Text');
    const item = addChecklistItem(doc, 'One');
    addChecklistItem(doc, 'Two');
    updateChecklistItem(doc, item.id, { done: true });
    addComment(doc, 'Hi', { actor: 'ada' });
    const content = readTaskContent(taskContentOf(doc));
    expect(content.description).toBe('Text');
    expect(content.checklist.map((i) => i.text)).toEqual(['One', 'Two']);
    expect(content.comments.map((c) => c.body)).toEqual(['Hi']);
    expect(contentSummary(taskContentOf(doc))).toEqual({
      checklistDone: 1,
      checklistTotal: 2,
      commentCount: 1
    });
  });

  it('cards carry summaries written by the server; old cards count their own content', () => {
    const board = newBoard();
    createTask(board, { title: 'New' }, { id: 'new' });
    const entry = board.getMap('tasks').get('new') as Y.Map<unknown>;
    expect(storedSummary(entry)).toEqual({ checklistDone: 0, checklistTotal: 0, commentCount: 0 });
    expect(hasBoardContent(entry)).toBe(false);
    expect(writeSummary(entry, { checklistDone: 2, checklistTotal: 3, commentCount: 4 })).toBe(
      true
    );
    expect(writeSummary(entry, { checklistDone: 2, checklistTotal: 3, commentCount: 4 })).toBe(
      false
    );
    expect(getTask(board, 'new')).toMatchObject({ checklistDone: 2, commentCount: 4 });

    const old = oldCard(board, 'old');
    expect(hasBoardContent(old)).toBe(true);
    expect(getTask(board, 'old')).toMatchObject({
      description: 'Old text',
      checklistDone: 1,
      checklistTotal: 2,
      commentCount: 1
    });
    // The task page reads the old card's content too, until the server has moved it.
    const detail = getTaskDetail(board, 'old', newTaskDoc());
    expect(detail?.checklist.map((i) => i.text)).toEqual(['Drain', 'Patch']);
    expect(detail?.comments.map((c) => c.body)).toEqual(['Hello']);
  });

  it('copies an old card into a task document once, merging by id, and empties the card', () => {
    const board = newBoard();
    const entry = oldCard(board, 'old');
    const doc = newTaskDoc();
    addComment(doc, 'Written in the document', { id: 'c2', actor: 'bob' });
    doc.transact(() => copyBoardContent(entry, taskContentOf(doc)));
    const once = readTaskContent(taskContentOf(doc));
    expect(once.description).toBe('Old text');
    expect(once.checklist.map((i) => [i.text, i.done])).toEqual([
      ['Drain', true],
      ['Patch', false]
    ]);
    expect(once.comments.map((c) => c.id).sort()).toEqual(['c1', 'c2']);
    expect((taskContentOf(doc).get('runs') as Y.Map<unknown>).has('rb1/s1')).toBe(true);
    // Again: nothing changes.
    let updates = 0;
    doc.on('update', () => updates++);
    doc.transact(() => copyBoardContent(entry, taskContentOf(doc)));
    expect(updates).toBe(0);
    board.transact(() => {
      removeBoardContent(entry);
      writeSummary(entry, contentSummary(taskContentOf(doc)));
    });
    expect(hasBoardContent(entry)).toBe(false);
    expect(getTask(board, 'old')).toMatchObject({
      description: '',
      checklistDone: 1,
      checklistTotal: 2,
      commentCount: 2
    });
  });

  it('keeps items and comments added on two replicas of a task document', () => {
    const a = newTaskDoc();
    const b = replicaOf(a);
    addChecklistItem(a, 'From A');
    addChecklistItem(b, 'From B');
    addComment(a, 'A', { actor: 'ada' });
    addComment(b, 'B', { actor: 'bob' });
    setTaskDescription(a, 'Hello');
    syncAll(a, b);
    setTaskDescription(a, 'Hello world');
    setTaskDescription(b, 'Oh, Hello');
    syncAll(a, b);
    for (const doc of [a, b]) {
      const content = readTaskContent(taskContentOf(doc));
      expect(content.checklist.map((i) => i.text).sort()).toEqual(['From A', 'From B']);
      expect(content.comments).toHaveLength(2);
      expect(content.description).toBe('Oh, Hello world');
    }
  });
});
