/**
 * The task a detail page shows, kept current: found by id or human key (case-insensitive),
 * archived ones included, then followed by id — so a page opened by id keeps working when the
 * server assigns the key, and one opened by key keeps its task if the key changes.
 */
import type * as Y from 'yjs';
import { getTask, listTasks, observeTasks } from '$lib/shared/board/board-model';
import type { Task } from '$lib/shared/board/schema';

/** The first task whose id is `keyOrId`, else whose key matches it ignoring case. */
function findTask(doc: Y.Doc, keyOrId: string): Task | null {
  const byId = getTask(doc, keyOrId);
  if (byId !== null) return byId;
  const wanted = keyOrId.toLowerCase();
  return (
    listTasks(doc, { includeArchived: true }).find((task) => task.key?.toLowerCase() === wanted) ??
    null
  );
}

/** Reactive task of a detail page; call `destroy()` when done. */
export class LiveTask {
  /** The task, or null while it is not (or no longer) in the document. */
  task = $state.raw<Task | null>(null);

  readonly #keyOrId: string;
  #id: string | null = null;
  readonly #unobserve: () => void;

  constructor(doc: Y.Doc, keyOrId: string) {
    this.#keyOrId = keyOrId;
    // Subscribe, then read: both synchronous, so no change falls in between.
    this.#unobserve = observeTasks(doc, ({ upserted, removed }) => {
      if (this.#id !== null && removed.includes(this.#id)) this.task = null;
      for (const task of upserted) if (this.#matches(task)) this.#set(task);
    });
    const found = findTask(doc, keyOrId);
    if (found !== null) this.#set(found);
  }

  #matches(task: Task): boolean {
    if (this.#id !== null) return task.id === this.#id;
    return task.id === this.#keyOrId || task.key?.toLowerCase() === this.#keyOrId.toLowerCase();
  }

  #set(task: Task): void {
    this.#id = task.id;
    this.task = task;
  }

  /** Stops observing the document. */
  destroy(): void {
    this.#unobserve();
  }
}
