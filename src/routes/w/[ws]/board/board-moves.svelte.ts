/**
 * The card being moved on the board page, by pointer or keyboard, and where it would land.
 * One instance per page, shared by every cell, so only the cell under the drop spot draws an
 * indicator and the page makes the one model call on drop.
 */
import type { DropSpot } from '$lib/board/card-moves';

/** A card on its way: where it came from and how it is carried. */
export interface Carried {
  taskId: string;
  title: string;
  via: 'pointer' | 'keyboard';
  from: DropSpot;
}

/** Reactive state of the move in progress (none most of the time). */
export class CardMoves {
  carried = $state.raw<Carried | null>(null);
  /** Where the card would land now; null while the pointer is outside every cell. */
  spot = $state.raw<DropSpot | null>(null);

  /** Starts carrying a card from `from`. */
  pickUp(carried: Carried): void {
    this.carried = carried;
    this.spot = carried.from;
  }

  /** Moves the drop spot; ignores repeats, so `dragover` firing 20 times a second is cheap. */
  aim(spot: DropSpot | null): void {
    const current = this.spot;
    if (
      spot === current ||
      (spot !== null &&
        current !== null &&
        spot.laneId === current.laneId &&
        spot.columnId === current.columnId &&
        spot.index === current.index)
    ) {
      return;
    }
    this.spot = spot;
  }

  /** Ends the move (dropped or cancelled). */
  clear(): void {
    this.carried = null;
    this.spot = null;
  }
}
