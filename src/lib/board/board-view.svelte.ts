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
import { PREVIEW_CARDS_PER_COLUMN, buildPreview, type BoardPreview } from './board-preview';

/** One column of the page with its cards in board order; `column` is null for orphans. */
export interface ColumnGroup {
  id: string;
  column: Column | null;
  /** Cards in board order; right after a big board arrives, only the first ones (see `total`). */
  tasks: Task[];
  /** Number of cards in the column, also while `tasks` still holds only the first ones. */
  total: number;
}

/**
 * A batch of at least this many new open cards (a board arriving from IndexedDB or its first
 * sync) is revealed progressively: rendering thousands of cards in one go blocks the page for
 * seconds before the first card shows (bench/board, docs/scale.md).
 */
export const PROGRESSIVE_REVEAL_MIN_CARDS = 300;
/**
 * Cards per column in the first render of such a batch, as many as the preview keeps (a
 * screenful on a tall monitor): the board is live with these, the rest follow after each paint.
 */
export const FIRST_REVEAL_CARDS_PER_COLUMN = PREVIEW_CARDS_PER_COLUMN;
/** Cards per column added per later step; one step renders in about one frame's budget. */
export const REVEAL_STEP_CARDS_PER_COLUMN = 25;

/** Key under which the "other" group collects tasks whose column no longer exists. */
export const ORPHAN_GROUP_ID = '';

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether `column` still carries the name `initBoard` gave it (so the UI may translate it). */
export function hasDefaultName(column: Column): boolean {
  return DEFAULT_COLUMNS.some((seed) => seed.id === column.id && seed.name === column.name);
}

/**
 * The name to show for `column`: default columns are shown in the UI language (message
 * `column.<id>`, looked up with `tryT`) until someone renames them.
 */
export function columnDisplayName(column: Column, tryT: (key: string) => string | null): string {
  return (hasDefaultName(column) ? tryT(`column.${column.id}`) : null) ?? column.name;
}

/** Reactive view of a board document; call `destroy()` when done. */
export class BoardView {
  columns = $state.raw<Column[]>([]);
  /** Labels by id; replaced as a whole when any label changes. */
  labels = $state.raw<Readonly<Record<string, Label>>>({});
  readonly tasks = new SvelteMap<string, Task>();

  /**
   * Cards per column that `groups` shows while a big board is being revealed; Infinity once
   * every card is shown. Grows a step per frame after the first render.
   */
  #shownPerColumn = $state(Infinity);

  /** Whether some cards are not in `groups` yet (a big board is still being revealed). */
  get revealing(): boolean {
    return this.#shownPerColumn !== Infinity;
  }

  /** Open tasks in board order (kept apart from `groups` so a reveal step does not re-sort). */
  #sorted: Task[] = $derived.by(() => sortTasks([...this.tasks.values()], this.columns));

  /**
   * The last session's first cards (board-preview.ts), shown while the offline copy loads;
   * null once the document is loaded or when there was none.
   */
  #preview = $state.raw<BoardPreview | null>(null);

  /** Whether `groups` shows the stored preview rather than the document (read-only then). */
  get previewing(): boolean {
    return this.#preview !== null;
  }

  /** Open cards on the board (the preview's count while previewing). */
  get openCount(): number {
    const preview = this.#preview;
    if (preview === null) return this.tasks.size;
    return preview.groups.reduce((sum, group) => sum + group.total, 0);
  }

  /** Columns in board order with their cards; orphaned cards last, in an extra group. */
  groups: ColumnGroup[] = $derived.by(() => {
    const preview = this.#preview;
    if (preview !== null) {
      return preview.groups.map((group) => ({
        ...group,
        column: preview.columns.find((column) => column.id === group.id) ?? null
      }));
    }
    const sorted = this.#sorted;
    const groups: ColumnGroup[] = this.columns.map((column) => ({
      id: column.id,
      column,
      tasks: [],
      total: 0
    }));
    const byId: Record<string, ColumnGroup | undefined> = Object.fromEntries(
      groups.map((group) => [group.id, group])
    );
    let orphans: ColumnGroup | null = null;
    for (const task of sorted) {
      let group = byId[task.status];
      if (group === undefined) {
        orphans ??= { id: ORPHAN_GROUP_ID, column: null, tasks: [], total: 0 };
        group = orphans;
      }
      if (group.total++ < this.#shownPerColumn) group.tasks.push(task);
    }
    return orphans === null ? groups : [...groups, orphans];
  });

  readonly #doc: Y.Doc;
  readonly #unobserveTasks: () => void;
  #revealScheduled = false;
  #destroyed = false;

  constructor(doc: Y.Doc, preview: BoardPreview | null = null) {
    this.#doc = doc;
    if (preview !== null && listColumns(doc).length === 0) {
      this.#preview = preview;
      this.columns = preview.columns;
      this.labels = preview.labels;
    }
    // Subscribe, then read: both are synchronous, so no change can fall in between.
    this.#unobserveTasks = observeTasks(doc, this.#applyTaskChanges, { openOnly: true });
    const tasks = listTasks(doc);
    for (const task of tasks) this.tasks.set(task.id, task);
    if (tasks.length >= PROGRESSIVE_REVEAL_MIN_CARDS) this.#startReveal();
    doc.on('afterTransaction', this.#refreshColumnsAndLabels);
    this.#refreshColumnsAndLabels();
  }

  #applyTaskChanges = ({ upserted, removed }: TaskChanges): void => {
    for (const id of removed) this.tasks.delete(id);
    let added = 0;
    for (const task of upserted) {
      // Archived cards leave the board view (listTasks skips them too).
      if (task.archivedAt !== null) {
        this.tasks.delete(task.id);
      } else {
        if (!this.tasks.has(task.id)) added++;
        this.tasks.set(task.id, task);
      }
    }
    if (added >= PROGRESSIVE_REVEAL_MIN_CARDS) this.#startReveal();
  };

  /**
   * Shows the first cards of every column now and the rest a step at a time, each step after
   * the browser had a chance to paint and handle input. Edits during the reveal show at once
   * when they fall within the shown cards and with a later step otherwise.
   */
  #startReveal(): void {
    this.#shownPerColumn = FIRST_REVEAL_CARDS_PER_COLUMN;
    this.#scheduleRevealStep();
  }

  #scheduleRevealStep(): void {
    if (this.#revealScheduled) return;
    this.#revealScheduled = true;
    const step = () => {
      this.#revealScheduled = false;
      if (this.#destroyed) return;
      const largest = Math.max(0, ...this.groups.map((group) => group.total));
      const next = this.#shownPerColumn + REVEAL_STEP_CARDS_PER_COLUMN;
      if (next >= largest) {
        this.#shownPerColumn = Infinity;
      } else {
        this.#shownPerColumn = next;
        this.#scheduleRevealStep();
      }
    };
    // After the next paint: an animation frame runs just before it, a timer set there runs
    // after it. A hidden tab gets no frames, so there a plain timer keeps the reveal going.
    if (typeof document !== 'undefined' && document.visibilityState === 'visible') {
      requestAnimationFrame(() => setTimeout(step, 0));
    } else {
      setTimeout(step, 0);
    }
  }

  /**
   * Columns and labels are a handful of entries, so they are simply re-listed after a
   * transaction; the state is replaced only when something changed, so cards do not re-group.
   */
  #refreshColumnsAndLabels = (): void => {
    // The preview's columns stand until the document has its own.
    if (this.#preview !== null && listColumns(this.#doc).length === 0) return;
    const columns = listColumns(this.#doc);
    if (!sameJson(columns, this.columns)) this.columns = columns;
    const labels = Object.fromEntries(listLabels(this.#doc).map((label) => [label.id, label]));
    if (!sameJson(labels, this.labels)) this.labels = labels;
  };

  /**
   * Leaves the preview for the live document: call once the offline copy is loaded (from then
   * on the document is at least as new as the preview).
   */
  endPreview(): void {
    if (this.#preview === null) return;
    this.#preview = null;
    this.#refreshColumnsAndLabels();
  }

  /** A preview of the board as shown now, for the next start (null for small boards). */
  snapshotPreview(): BoardPreview | null {
    if (this.#preview !== null) return this.#preview;
    // Every card counts, also those a progressive reveal has not shown yet.
    return buildPreview(this.columns, this.labels, this.groups);
  }

  /** Stops observing the document. */
  destroy(): void {
    this.#destroyed = true;
    this.#unobserveTasks();
    this.#doc.off('afterTransaction', this.#refreshColumnsAndLabels);
  }
}
