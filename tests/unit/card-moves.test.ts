import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  cardAfterSpot,
  cellLength,
  dropIndexOver,
  isSamePlace,
  moveTargetFor,
  stepSpot,
  type DropSpot
} from '../../src/lib/board/card-moves';
import { createTask, initBoard, listTasks, moveTask } from '../../src/lib/shared/board/board-model';

const cards = (...ids: string[]) => ids.map((id) => ({ id }));

/** A board with tasks a, b, c, d in `todo` (in that order) and x in `in-progress`. */
function board(): Y.Doc {
  const doc = new Y.Doc();
  initBoard(doc);
  for (const id of ['a', 'b', 'c', 'd']) createTask(doc, { title: id, status: 'todo' }, { id });
  createTask(doc, { title: 'x', status: 'in-progress' }, { id: 'x' });
  return doc;
}

function order(doc: Y.Doc, status: string): string[] {
  return listTasks(doc, { status }).map((task) => task.id);
}

describe('moveTargetFor', () => {
  it('anchors before the card at the index, ignoring the moved card', () => {
    expect(moveTargetFor(cards('a', 'b', 'c'), 0, 'b', 'todo')).toEqual({
      status: 'todo',
      beforeId: 'a'
    });
    expect(moveTargetFor(cards('a', 'b', 'c'), 1, 'a', 'todo')).toEqual({
      status: 'todo',
      beforeId: 'c'
    });
  });

  it('anchors after the last card at the end, and on nothing in an empty cell', () => {
    expect(moveTargetFor(cards('a', 'b'), 2, 'x', 'todo')).toEqual({
      status: 'todo',
      afterId: 'b'
    });
    expect(moveTargetFor(cards('a', 'b'), 1, 'b', 'todo')).toEqual({
      status: 'todo',
      afterId: 'a'
    });
    expect(moveTargetFor(cards(), 0, 'x', 'done')).toEqual({ status: 'done' });
    expect(moveTargetFor(cards('x'), 0, 'x', 'done')).toEqual({ status: 'done' });
  });

  it('gives targets the model places exactly where the indicator was', () => {
    const doc = board();
    const shown = () => cards(...order(doc, 'todo'));
    // Drag d to the top.
    moveTask(doc, 'd', moveTargetFor(shown(), 0, 'd', 'todo'));
    expect(order(doc, 'todo')).toEqual(['d', 'a', 'b', 'c']);
    // Drag d down between b and c: among a, b, c that is index 2.
    moveTask(doc, 'd', moveTargetFor(shown(), 2, 'd', 'todo'));
    expect(order(doc, 'todo')).toEqual(['a', 'b', 'd', 'c']);
    // Drag x from the other column to the end.
    moveTask(doc, 'x', moveTargetFor(shown(), 4, 'x', 'todo'));
    expect(order(doc, 'todo')).toEqual(['a', 'b', 'd', 'c', 'x']);
    // In a filtered view showing only a and c, dropping between them lands right before c.
    moveTask(doc, 'x', moveTargetFor(cards('a', 'c'), 1, 'x', 'todo'));
    expect(order(doc, 'todo')).toEqual(['a', 'b', 'd', 'x', 'c']);
    // Into an empty column.
    moveTask(doc, 'a', moveTargetFor(cards(), 0, 'a', 'done'));
    expect(order(doc, 'done')).toEqual(['a']);
  });
});

describe('dropIndexOver', () => {
  it('maps the upper and lower half of a hovered card to before and after it', () => {
    expect(dropIndexOver(cards('a', 'b', 'c'), 'b', false, 'x')).toBe(1);
    expect(dropIndexOver(cards('a', 'b', 'c'), 'b', true, 'x')).toBe(2);
    expect(dropIndexOver(cards('a', 'b', 'c'), 'c', true, 'x')).toBe(3);
  });

  it('discounts the moved card when it sits above the hovered one, and keeps it over itself', () => {
    expect(dropIndexOver(cards('a', 'b', 'c'), 'c', false, 'a')).toBe(1);
    expect(dropIndexOver(cards('a', 'b', 'c'), 'c', true, 'a')).toBe(2);
    expect(dropIndexOver(cards('a', 'b', 'c'), 'a', false, 'c')).toBe(0);
    expect(dropIndexOver(cards('a', 'b', 'c'), 'b', true, 'b')).toBe(1);
    expect(isSamePlace(cards('a', 'b', 'c'), 1, 'b')).toBe(true);
    expect(isSamePlace(cards('a', 'b', 'c'), 2, 'b')).toBe(false);
  });

  it('treats an unknown card as the end of the cell', () => {
    expect(dropIndexOver(cards('a', 'b'), 'zz', false, 'a')).toBe(1);
  });
});

describe('cardAfterSpot and cellLength', () => {
  it('name the card the indicator precedes, skipping the moved card', () => {
    expect(cardAfterSpot(cards('a', 'b', 'c'), 0, 'a')).toBe('b');
    expect(cardAfterSpot(cards('a', 'b', 'c'), 1, 'b')).toBe('c');
    expect(cardAfterSpot(cards('a', 'b', 'c'), 2, 'b')).toBeNull();
    expect(cellLength(cards('a', 'b', 'c'), 'b')).toBe(2);
    expect(cellLength(cards('a', 'b', 'c'), 'x')).toBe(3);
  });
});

describe('stepSpot', () => {
  const columns = ['todo', 'doing', 'done'];
  const lengths: Record<string, number> = { todo: 3, doing: 1, done: 0 };
  const lengthOf = (_lane: string, column: string) => lengths[column] ?? 0;
  const at = (columnId: string, index: number): DropSpot => ({ laneId: 'all', columnId, index });

  it('moves up and down within the cell and stops at its ends', () => {
    expect(stepSpot(at('todo', 1), 'ArrowUp', columns, lengthOf)).toEqual(at('todo', 0));
    expect(stepSpot(at('todo', 0), 'ArrowUp', columns, lengthOf)).toEqual(at('todo', 0));
    expect(stepSpot(at('todo', 2), 'ArrowDown', columns, lengthOf)).toEqual(at('todo', 3));
    expect(stepSpot(at('todo', 3), 'ArrowDown', columns, lengthOf)).toEqual(at('todo', 3));
  });

  it('moves across columns, clamping the index, and stops at the first and last column', () => {
    expect(stepSpot(at('todo', 2), 'ArrowRight', columns, lengthOf)).toEqual(at('doing', 1));
    expect(stepSpot(at('doing', 1), 'ArrowRight', columns, lengthOf)).toEqual(at('done', 0));
    expect(stepSpot(at('done', 0), 'ArrowRight', columns, lengthOf)).toEqual(at('done', 0));
    expect(stepSpot(at('doing', 0), 'ArrowLeft', columns, lengthOf)).toEqual(at('todo', 0));
    expect(stepSpot(at('todo', 0), 'ArrowLeft', columns, lengthOf)).toEqual(at('todo', 0));
  });

  it('crosses into the lane above or below past the first or last card', () => {
    const lanes = ['lane-a', 'lane-b', 'lane-c'];
    const sizes: Record<string, number> = { 'lane-a': 2, 'lane-b': 1, 'lane-c': 0 };
    const size = (lane: string) => sizes[lane] ?? 0;
    const spot = (laneId: string, index: number): DropSpot => ({ laneId, columnId: 'todo', index });
    expect(stepSpot(spot('lane-b', 0), 'ArrowUp', columns, size, lanes)).toEqual(spot('lane-a', 2));
    expect(stepSpot(spot('lane-b', 1), 'ArrowDown', columns, size, lanes)).toEqual(
      spot('lane-c', 0)
    );
    expect(stepSpot(spot('lane-b', 0), 'ArrowDown', columns, size, lanes)).toEqual(
      spot('lane-b', 1)
    );
    expect(stepSpot(spot('lane-a', 0), 'ArrowUp', columns, size, lanes)).toEqual(spot('lane-a', 0));
    expect(stepSpot(spot('lane-c', 0), 'ArrowDown', columns, size, lanes)).toEqual(
      spot('lane-c', 0)
    );
  });
});
