/**
 * The board as the page shows it: columns, labels and the open tasks of a board `Y.Doc`, kept
 * current incrementally. Tasks come from `observeTasks`, which re-reads only the tasks a
 * transaction touched; a keystroke elsewhere in the board costs one task read, not a board read.
 */
import { SvelteMap } from 'svelte/reactivity';
import type * as Y from 'yjs';
import {
  DEFAULT_COLUMNS,
  listColumns,
  listLabels,
  listTasks,
  observeTasks,
  sortTasks,
  type TaskChanges
} from '$lib/shared/board/board-model';
import type { Column, Label, Task } from '$lib/shared/board/schema';

/** One column of the page with its cards in board order; `column` is null for orphans. */
export interface ColumnGroup {
  id: string;
  column: Column | null;
  tasks: Task[];
}

/** Key under which the "other" group collects tasks whose column no longer exists. */
export const ORPHAN_GROUP_ID = '';

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether `column` still carries the name `initBoard` gave it (so the UI may translate it). */
export function hasDefaultName(column: Column): boolean {
  return DEFAULT_COLUMNS.some((seed) => seed.id === column.id && seed.name === column.name);
}

/** Reactive view of a board document; call `destroy()` when done. */
export class BoardView {
  columns = $state.raw<Column[]>([]);
  /** Labels by id; replaced as a whole when any label changes. */
  labels = $state.raw<Readonly<Record<string, Label>>>({});
  readonly tasks = new SvelteMap<string, Task>();

  /** Columns in board order with their cards; orphaned cards last, in an extra group. */
  groups: ColumnGroup[] = $derived.by(() => {
    const sorted = sortTasks([...this.tasks.values()], this.columns);
    const groups: ColumnGroup[] = this.columns.map((column) => ({
      id: column.id,
      column,
      tasks: []
    }));
    const byId: Record<string, ColumnGroup | undefined> = Object.fromEntries(
      groups.map((group) => [group.id, group])
    );
    let orphans: ColumnGroup | null = null;
    for (const task of sorted) {
      let group = byId[task.status];
      if (group === undefined) {
        orphans ??= { id: ORPHAN_GROUP_ID, column: null, tasks: [] };
        group = orphans;
      }
      group.tasks.push(task);
    }
    return orphans === null ? groups : [...groups, orphans];
  });

  readonly #doc: Y.Doc;
  readonly #unobserveTasks: () => void;

  constructor(doc: Y.Doc) {
    this.#doc = doc;
    // Subscribe, then read: both are synchronous, so no change can fall in between.
    this.#unobserveTasks = observeTasks(doc, this.#applyTaskChanges);
    for (const task of listTasks(doc)) this.tasks.set(task.id, task);
    doc.on('afterTransaction', this.#refreshColumnsAndLabels);
    this.#refreshColumnsAndLabels();
  }

  #applyTaskChanges = ({ upserted, removed }: TaskChanges): void => {
    for (const id of removed) this.tasks.delete(id);
    for (const task of upserted) {
      // Archived cards leave the board view (listTasks skips them too).
      if (task.archivedAt === null) this.tasks.set(task.id, task);
      else this.tasks.delete(task.id);
    }
  };

  /**
   * Columns and labels are a handful of entries, so they are simply re-listed after a
   * transaction; the state is replaced only when something changed, so cards do not re-group.
   */
  #refreshColumnsAndLabels = (): void => {
    const columns = listColumns(this.#doc);
    if (!sameJson(columns, this.columns)) this.columns = columns;
    const labels = Object.fromEntries(listLabels(this.#doc).map((label) => [label.id, label]));
    if (!sameJson(labels, this.labels)) this.labels = labels;
  };

  /** Stops observing the document. */
  destroy(): void {
    this.#unobserveTasks();
    this.#doc.off('afterTransaction', this.#refreshColumnsAndLabels);
  }
}
