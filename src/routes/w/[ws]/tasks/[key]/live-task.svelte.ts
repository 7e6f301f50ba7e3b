/**
 * The task a detail page shows, kept current: the card from the board document, found by id or
 * human key and then followed by id (`followTask`: archived ones included, also when it arrives
 * with the first sync), and its description, checklist and comments from the task's own
 * document (`<ws>.task.<id>`, opened once the id is known; see sync/task-doc.svelte.ts).
 */
import type * as Y from 'yjs';
import { followTask, getTaskDetail } from '$lib/shared/board/board-model';
import type { TaskDetail } from '$lib/shared/board/schema';
import { openTaskDoc, type TaskDoc, type TaskDocHold } from '$lib/sync/task-doc.svelte';

/** Reactive task of a detail page; call `destroy()` when done. */
export class LiveTask {
  /** The open task document, once the task is found. */
  taskDoc = $state.raw<TaskDoc | null>(null);
  #id = $state<string | null>(null);
  /** Bumped on every change of the card. */
  #cardVersion = $state(0);

  /**
   * The task with its details, or null while it is not (or no longer) in the board. Its
   * content is the card's own (an old layout) until the task document is loaded.
   */
  readonly detail: TaskDetail | null = $derived.by(() => {
    void this.#cardVersion;
    const id = this.#id;
    if (id === null) return null;
    const taskDoc = this.taskDoc;
    void taskDoc?.version;
    return getTaskDetail(this.#board, id, taskDoc?.ready ? taskDoc.doc : undefined);
  });

  /** Whether the description, checklist and comments are loaded (offline copy or server). */
  get contentReady(): boolean {
    return this.taskDoc?.ready ?? false;
  }

  readonly #board: Y.Doc;
  readonly #unfollow: () => void;
  #hold: TaskDocHold | null = null;

  constructor(board: Y.Doc, keyOrId: string, workspaceId: string) {
    this.#board = board;
    this.#unfollow = followTask(board, keyOrId, (id) => {
      if (this.#id !== id) {
        this.#hold?.release();
        this.#hold = openTaskDoc(workspaceId, id);
        this.taskDoc = this.#hold.doc;
        this.#id = id;
      }
      this.#cardVersion++;
    });
  }

  /** Stops observing and releases the task document. */
  destroy(): void {
    this.#unfollow();
    this.#hold?.release();
    this.#hold = null;
  }
}
