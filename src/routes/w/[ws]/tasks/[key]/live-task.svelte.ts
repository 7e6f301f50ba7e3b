/**
 * The task a detail page shows, kept current with its checklist, comments and activity: found
 * by id or human key (case-insensitive, `findTask`), archived ones included, then followed by
 * id — so a page opened by id keeps working when the server assigns the key, and one opened by
 * key keeps its task if the key changes. A task that is not in the document yet (first sync
 * still running) is picked up as soon as it arrives.
 */
import type * as Y from 'yjs';
import { findTask, getTaskDetail, observeTask, observeTasks } from '$lib/shared/board/board-model';
import type { TaskDetail } from '$lib/shared/board/schema';

/** Reactive task of a detail page; call `destroy()` when done. */
export class LiveTask {
  /** The task with its details, or null while it is not (or no longer) in the document. */
  detail = $state.raw<TaskDetail | null>(null);

  readonly #doc: Y.Doc;
  #unobserve: () => void = () => {};

  constructor(doc: Y.Doc, keyOrId: string) {
    this.#doc = doc;
    const found = findTask(doc, keyOrId);
    if (found !== null) {
      this.#follow(found.id);
      return;
    }
    // Not here yet: watch the tasks that change until one matches, then follow it alone.
    const wanted = keyOrId.toUpperCase();
    this.#unobserve = observeTasks(doc, ({ upserted }) => {
      const match = upserted.find(
        (task) => task.id === keyOrId || task.key?.toUpperCase() === wanted
      );
      if (match === undefined) return;
      this.#unobserve();
      this.#follow(match.id);
    });
  }

  #follow(id: string): void {
    // Subscribe, then read: both synchronous, so no change falls in between.
    this.#unobserve = observeTask(this.#doc, id, (detail) => (this.detail = detail));
    this.detail = getTaskDetail(this.#doc, id);
  }

  /** Stops observing the document. */
  destroy(): void {
    this.#unobserve();
  }
}
