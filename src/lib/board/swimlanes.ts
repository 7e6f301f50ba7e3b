/**
 * Swimlanes of the board view: the open tasks, already grouped by column in board order,
 * split into rows by assignee or priority. Each lane has a cell per column, in the same order,
 * so a lane is "the board, restricted to one assignee (or priority)". Grouping is one pass
 * over the tasks: the page recomputes it once per change, never per card.
 */
import { prioritySchema, type Priority, type Task } from '$lib/shared/board/schema';

/** How the board splits into rows. */
export type SwimlaneMode = 'none' | 'assignee' | 'priority';

/** Every mode, in the order the toggle shows them. */
export const SWIMLANE_MODES: readonly SwimlaneMode[] = ['none', 'assignee', 'priority'];

/** One lane: which tasks it holds and the field value a card dropped into it takes. */
export type Lane =
  | { id: string; mode: 'none'; cells: Record<string, Task[]>; count: number }
  | {
      id: string;
      mode: 'assignee';
      /** Member id, or null for the unassigned lane. */
      assignee: string | null;
      cells: Record<string, Task[]>;
      count: number;
    }
  | {
      id: string;
      mode: 'priority';
      priority: Priority;
      cells: Record<string, Task[]>;
      count: number;
    };

/** The input: a column id and its tasks in board order (e.g. `BoardView.groups`). */
export interface ColumnTasks {
  id: string;
  tasks: readonly Task[];
}

/** Lane id of the single lane when the board is not split. */
export const ALL_LANE_ID = 'all';
/** Lane id of the unassigned lane. */
export const UNASSIGNED_LANE_ID = 'assignee:';

/** Lane id that `task` belongs to under `mode`. */
export function laneIdOf(task: Task, mode: SwimlaneMode): string {
  if (mode === 'assignee') return `assignee:${task.assignee ?? ''}`;
  if (mode === 'priority') return `priority:${task.priority}`;
  return ALL_LANE_ID;
}

/** Whether a stored value (e.g. from localStorage) is a swimlane mode. */
export function isSwimlaneMode(value: unknown): value is SwimlaneMode {
  return typeof value === 'string' && (SWIMLANE_MODES as readonly string[]).includes(value);
}

function emptyCells(columns: readonly ColumnTasks[]): Record<string, Task[]> {
  return Object.fromEntries(columns.map((column) => [column.id, [] as Task[]]));
}

/**
 * Splits `columns` into lanes. By assignee: one lane per member who has a card, ordered by
 * `nameOf` (so people read alphabetically), and the unassigned lane last, always present so
 * a card can be dropped there. By priority: one lane per priority, most urgent first, all
 * present. Within a cell, cards keep their board order.
 */
export function groupSwimlanes(
  columns: readonly ColumnTasks[],
  mode: SwimlaneMode,
  nameOf: (memberId: string) => string = (id) => id
): Lane[] {
  if (mode === 'none') {
    const cells: Record<string, Task[]> = {};
    let count = 0;
    for (const column of columns) {
      cells[column.id] = [...column.tasks];
      count += column.tasks.length;
    }
    return [{ id: ALL_LANE_ID, mode, cells, count }];
  }
  const lanes = new Map<string, Lane>();
  if (mode === 'priority') {
    for (const priority of prioritySchema.options) {
      const id = `priority:${priority}`;
      lanes.set(id, { id, mode, priority, cells: emptyCells(columns), count: 0 });
    }
  } else {
    lanes.set(UNASSIGNED_LANE_ID, {
      id: UNASSIGNED_LANE_ID,
      mode,
      assignee: null,
      cells: emptyCells(columns),
      count: 0
    });
  }
  for (const column of columns) {
    for (const task of column.tasks) {
      const id = laneIdOf(task, mode);
      let lane = lanes.get(id);
      if (lane === undefined) {
        // Only assignee lanes are created on demand.
        lane = {
          id,
          mode: 'assignee',
          assignee: task.assignee,
          cells: emptyCells(columns),
          count: 0
        };
        lanes.set(id, lane);
      }
      lane.cells[column.id]?.push(task);
      lane.count++;
    }
  }
  const result = [...lanes.values()];
  if (mode === 'assignee') {
    const names = new Map<string, string>();
    const nameOfLane = (lane: Lane): string => {
      if (lane.mode !== 'assignee' || lane.assignee === null) return '';
      let name = names.get(lane.assignee);
      if (name === undefined) {
        name = nameOf(lane.assignee);
        names.set(lane.assignee, name);
      }
      return name;
    };
    result.sort((a, b) => {
      const aUnassigned = a.id === UNASSIGNED_LANE_ID;
      const bUnassigned = b.id === UNASSIGNED_LANE_ID;
      if (aUnassigned !== bUnassigned) return aUnassigned ? 1 : -1;
      return nameOfLane(a).localeCompare(nameOfLane(b)) || (a.id < b.id ? -1 : 1);
    });
  }
  return result;
}

/**
 * The fields a card must take to belong to `lane` (assignee or priority), or null when it
 * already does or the board is not split. Applied with `updateTask` in the move's transaction.
 */
export function lanePatch(
  lane: Lane,
  task: Pick<Task, 'assignee' | 'priority'>
): { assignee: string | null } | { priority: Priority } | null {
  if (lane.mode === 'assignee' && lane.assignee !== task.assignee) {
    return { assignee: lane.assignee };
  }
  if (lane.mode === 'priority' && lane.priority !== task.priority) {
    return { priority: lane.priority };
  }
  return null;
}
