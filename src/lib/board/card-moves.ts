/**
 * Where a moved card lands, for pointer drops and keyboard moves alike. A drop spot is a lane,
 * a column and an index among the cell's visible cards *without* the moved card; it becomes a
 * `moveTask` target anchored on a visible neighbour, so a drop into a filtered view or a lane
 * lands next to the card the user saw, and the model's fractional order does the rest.
 */
import type { MoveTarget } from '$lib/shared/board/schema';

/** Where a card would be dropped. */
export interface DropSpot {
  laneId: string;
  columnId: string;
  /** Index among the cell's cards, not counting the moved card. */
  index: number;
}

/** Anything with an id: the cards of one cell, in the order shown. */
export interface Identified {
  id: string;
}

/** The position `movedId` takes in `cards` without itself (its current drop index), or -1. */
export function currentIndex(cards: readonly Identified[], movedId: string): number {
  return cards.findIndex((card) => card.id === movedId);
}

/** Number of drop indexes in a cell (cards without the moved one, plus the end). */
export function cellLength(cards: readonly Identified[], movedId: string): number {
  return currentIndex(cards, movedId) === -1 ? cards.length : cards.length - 1;
}

/** The id of the card a spot's indicator sits before, or null for the end of the cell. */
export function cardAfterSpot(
  cards: readonly Identified[],
  index: number,
  movedId: string
): string | null {
  let seen = 0;
  for (const card of cards) {
    if (card.id === movedId) continue;
    if (seen === index) return card.id;
    seen++;
  }
  return null;
}

/**
 * The `moveTask` target for dropping `movedId` at `index` of a cell showing `cards` in column
 * `status`: before the card now at that index, else after the last visible card, else (empty
 * cell) the end of the column.
 */
export function moveTargetFor(
  cards: readonly Identified[],
  index: number,
  movedId: string,
  status: string
): MoveTarget {
  const others = cards.filter((card) => card.id !== movedId);
  const before = others[Math.max(0, index)];
  if (before !== undefined) return { status, beforeId: before.id };
  const last = others[others.length - 1];
  if (last !== undefined) return { status, afterId: last.id };
  return { status };
}

/** Whether dropping at `index` of this cell would leave the card where it is. */
export function isSamePlace(cards: readonly Identified[], index: number, movedId: string): boolean {
  return currentIndex(cards, movedId) === index;
}

/**
 * The drop index for a pointer over the card `overId` (`after`: in its lower half): the moved
 * card over itself stays put; otherwise before or after the hovered card.
 */
export function dropIndexOver(
  cards: readonly Identified[],
  overId: string,
  after: boolean,
  movedId: string
): number {
  const own = currentIndex(cards, movedId);
  if (overId === movedId) return own;
  const index = currentIndex(cards, overId);
  if (index === -1) return cellLength(cards, movedId);
  const withoutMoved = own !== -1 && own < index ? index - 1 : index;
  return after ? withoutMoved + 1 : withoutMoved;
}

/** Keys that move a picked-up card. */
export type MoveKey = 'ArrowUp' | 'ArrowDown' | 'ArrowLeft' | 'ArrowRight';

/** Whether `key` is one of the keys that move a picked-up card. */
export function isMoveKey(key: string): key is MoveKey {
  return key === 'ArrowUp' || key === 'ArrowDown' || key === 'ArrowLeft' || key === 'ArrowRight';
}

/**
 * The next spot of a card carried by keyboard: up/down within the cell, and past its first or
 * last card into the same column of the lane above or below (at its end or start); left/right
 * to the neighbouring column of the same lane, keeping the index where the new cell allows.
 * Stays put at the edges of the board. `lengthOf` is `cellLength` of a cell; `columnIds` the
 * droppable columns and `laneIds` the lanes, both in the order shown.
 */
export function stepSpot(
  spot: DropSpot,
  key: MoveKey,
  columnIds: readonly string[],
  lengthOf: (laneId: string, columnId: string) => number,
  laneIds: readonly string[] = [spot.laneId]
): DropSpot {
  if (key === 'ArrowUp' || key === 'ArrowDown') {
    const up = key === 'ArrowUp';
    const length = lengthOf(spot.laneId, spot.columnId);
    if (up ? spot.index > 0 : spot.index < length) {
      return { ...spot, index: Math.min(length, Math.max(0, spot.index + (up ? -1 : 1))) };
    }
    const lane = laneIds[laneIds.indexOf(spot.laneId) + (up ? -1 : 1)];
    if (laneIds.indexOf(spot.laneId) === -1 || lane === undefined) return spot;
    return { laneId: lane, columnId: spot.columnId, index: up ? lengthOf(lane, spot.columnId) : 0 };
  }
  const column = columnIds.indexOf(spot.columnId);
  const next = columnIds[column + (key === 'ArrowLeft' ? -1 : 1)];
  if (column === -1 || next === undefined) return spot;
  return {
    laneId: spot.laneId,
    columnId: next,
    index: Math.min(spot.index, lengthOf(spot.laneId, next))
  };
}
