import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import {
  BoardView,
  FIRST_REVEAL_CARDS_PER_COLUMN,
  PROGRESSIVE_REVEAL_MIN_CARDS
} from '../../src/lib/board/board-view.svelte';
import { archiveTask, createTask, initBoard } from '../../src/lib/shared/board/board-model';
import {
  decodePreview,
  PREVIEW_CARDS_PER_COLUMN,
  PREVIEW_MIN_CARDS
} from '../../src/lib/board/board-preview';

/** Adds `count` tasks to column `status` in one transaction (as a board arriving at once). */
function addTasks(doc: Y.Doc, count: number, status = 'todo'): string[] {
  const ids: string[] = [];
  doc.transact(() => {
    for (let i = 0; i < count; i++) ids.push(createTask(doc, { title: `Task ${i}`, status }).id);
  });
  return ids;
}

function group(view: BoardView, id: string) {
  const found = view.groups.find((g) => g.id === id);
  if (!found) throw new Error(`no group ${id}`);
  return found;
}

describe('BoardView progressive reveal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows a small board in full at once', () => {
    const doc = new Y.Doc();
    initBoard(doc);
    const view = new BoardView(doc);
    addTasks(doc, 40);
    expect(view.revealing).toBe(false);
    expect(group(view, 'todo').tasks).toHaveLength(40);
    expect(group(view, 'todo').total).toBe(40);
    view.destroy();
  });

  it('reveals a big batch a step at a time, with the full count from the start', async () => {
    const doc = new Y.Doc();
    initBoard(doc);
    const view = new BoardView(doc);
    const count = PROGRESSIVE_REVEAL_MIN_CARDS + 100;
    const ids = addTasks(doc, count);
    expect(view.revealing).toBe(true);
    expect(view.tasks.size).toBe(count);
    expect(group(view, 'todo').total).toBe(count);
    expect(group(view, 'todo').tasks.map((t) => t.id)).toEqual(
      ids.slice(0, FIRST_REVEAL_CARDS_PER_COLUMN)
    );
    await vi.advanceTimersToNextTimerAsync();
    expect(group(view, 'todo').tasks.length).toBeGreaterThan(FIRST_REVEAL_CARDS_PER_COLUMN);
    await vi.runAllTimersAsync();
    expect(view.revealing).toBe(false);
    expect(group(view, 'todo').tasks.map((t) => t.id)).toEqual(ids);
    view.destroy();
  });

  it('reveals progressively when constructed over a big board, and keeps edits current', async () => {
    const doc = new Y.Doc();
    initBoard(doc);
    const ids = addTasks(doc, PROGRESSIVE_REVEAL_MIN_CARDS, 'backlog');
    const view = new BoardView(doc);
    expect(view.revealing).toBe(true);
    expect(group(view, 'backlog').tasks).toHaveLength(FIRST_REVEAL_CARDS_PER_COLUMN);
    // An edit during the reveal: archiving a shown card takes it off at once.
    archiveTask(doc, ids[0] ?? '');
    expect(group(view, 'backlog').total).toBe(PROGRESSIVE_REVEAL_MIN_CARDS - 1);
    expect(group(view, 'backlog').tasks[0]?.id).toBe(ids[1]);
    await vi.runAllTimersAsync();
    expect(view.revealing).toBe(false);
    expect(group(view, 'backlog').tasks).toHaveLength(PROGRESSIVE_REVEAL_MIN_CARDS - 1);
    view.destroy();
  });

  it('stops revealing once destroyed', async () => {
    const doc = new Y.Doc();
    initBoard(doc);
    const view = new BoardView(doc);
    addTasks(doc, PROGRESSIVE_REVEAL_MIN_CARDS);
    view.destroy();
    await vi.runAllTimersAsync();
    expect(view.revealing).toBe(true);
  });
});

describe('BoardView preview of a big board (board-preview.ts)', () => {
  function bigBoard(): { doc: Y.Doc; preview: NonNullable<ReturnType<typeof decodePreview>> } {
    const doc = new Y.Doc();
    initBoard(doc);
    addTasks(doc, PREVIEW_MIN_CARDS, 'todo');
    addTasks(doc, 10, 'done');
    const view = new BoardView(doc);
    view.endPreview();
    const built = view.snapshotPreview();
    view.destroy();
    // Through the stored form, as a reload would read it.
    const preview = decodePreview(JSON.stringify(built));
    if (preview === null) throw new Error('no preview');
    return { doc, preview };
  }

  it('keeps the first cards of every column without descriptions, and the full counts', () => {
    const { preview } = bigBoard();
    const todo = preview.groups.find((g) => g.id === 'todo');
    expect(todo?.total).toBe(PREVIEW_MIN_CARDS);
    expect(todo?.tasks).toHaveLength(PREVIEW_CARDS_PER_COLUMN);
    expect(todo?.tasks.every((task) => task.description === '')).toBe(true);
    expect(preview.groups.find((g) => g.id === 'done')?.total).toBe(10);
  });

  it('small boards get none, and junk or another version reads as none', () => {
    const doc = new Y.Doc();
    initBoard(doc);
    addTasks(doc, 5);
    expect(new BoardView(doc).snapshotPreview()).toBeNull();
    expect(decodePreview('not json')).toBeNull();
    expect(
      decodePreview(JSON.stringify({ version: 2, columns: [], labels: {}, groups: [] }))
    ).toBeNull();
    expect(decodePreview(null)).toBeNull();
  });

  it('shows the preview on an empty document until endPreview, then the live board', () => {
    const { doc: source, preview } = bigBoard();
    const doc = new Y.Doc();
    const view = new BoardView(doc, preview);
    expect(view.previewing).toBe(true);
    expect(view.openCount).toBe(PREVIEW_MIN_CARDS + 10);
    expect(group(view, 'todo').tasks).toHaveLength(PREVIEW_CARDS_PER_COLUMN);
    expect(view.columns.map((c) => c.id)).toContain('todo');
    // The offline copy arrives, then the layout ends the preview.
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
    view.endPreview();
    expect(view.previewing).toBe(false);
    expect(view.openCount).toBe(PREVIEW_MIN_CARDS + 10);
    expect(group(view, 'todo').total).toBe(PREVIEW_MIN_CARDS);
  });

  it('ignores a preview when the document already has a board', () => {
    const { doc, preview } = bigBoard();
    const view = new BoardView(doc, preview);
    expect(view.previewing).toBe(false);
  });
});
