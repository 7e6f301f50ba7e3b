/**
 * The archived tasks of a board, read only while a list asks for them. `BoardView` keeps the
 * open tasks incrementally; archived ones are rarely wanted and may be thousands, so they are
 * listed from the document on demand and re-listed after changes, at most once per
 * `refreshDelayMs`, instead of being tracked task by task all the time.
 */
import type * as Y from 'yjs';
import { listTasks } from '$lib/shared/board/board-model';
import type { Task } from '$lib/shared/board/schema';

/** How long after a document change the archived tasks are listed again. */
const refreshDelayMs = 300;

/** Reactive list of a board's archived tasks; call `destroy()` when done. */
export class ArchivedTasks {
  tasks = $state.raw<Task[]>([]);

  readonly #doc: Y.Doc;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(doc: Y.Doc) {
    this.#doc = doc;
    doc.on('update', this.#scheduleRefresh);
    this.#refresh();
  }

  #scheduleRefresh = (): void => {
    this.#timer ??= setTimeout(this.#refresh, refreshDelayMs);
  };

  #refresh = (): void => {
    this.#timer = null;
    this.tasks = listTasks(this.#doc, { includeArchived: true }).filter(
      (task) => task.archivedAt !== null
    );
  };

  /** Stops listening to the document. */
  destroy(): void {
    this.#doc.off('update', this.#scheduleRefresh);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
