/**
 * The task a detail page shows, kept current with its checklist, comments and activity: found
 * by id or human key and then followed by id (`followTask`: archived ones included, also when
 * it arrives with the first sync).
 */
import type * as Y from 'yjs';
import { followTask, getTaskDetail } from '$lib/shared/board/board-model';
import type { TaskDetail } from '$lib/shared/board/schema';

/** Reactive task of a detail page; call `destroy()` when done. */
export class LiveTask {
  /** The task with its details, or null while it is not (or no longer) in the document. */
  detail = $state.raw<TaskDetail | null>(null);

  readonly #unfollow: () => void;

  constructor(doc: Y.Doc, keyOrId: string) {
    this.#unfollow = followTask(doc, keyOrId, (id) => (this.detail = getTaskDetail(doc, id)));
  }

  /** Stops observing the document. */
  destroy(): void {
    this.#unfollow();
  }
}
