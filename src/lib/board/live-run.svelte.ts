/**
 * The run of one runbook for one task, kept current: the task (found by id or human key and
 * then followed by id, `followTask`, also when it arrives with the first sync) and the steps
 * ticked for it, which live in the task's own document (`<ws>.task.<id>`, task-doc.svelte.ts).
 */
import type * as Y from 'yjs';
import { followTask, getTask, readRunSteps } from '$lib/shared/board/board-model';
import type { RunStep } from '$lib/shared/board/board-model';
import type { Task } from '$lib/shared/board/schema';
import { openTaskDoc, type TaskDoc, type TaskDocHold } from '$lib/sync/task-doc.svelte';

/** Reactive run of a runbook for a task; call `destroy()` when done. */
export class LiveRun {
  /** The task the runbook runs for, or null while it is not (or no longer) in the document. */
  task = $state.raw<Task | null>(null);
  /** The task's document, where the steps are ticked (`setRunStep`). */
  taskDoc = $state.raw<TaskDoc | null>(null);
  /** Ticked steps by step id. */
  readonly steps: Record<string, RunStep> = $derived.by(() => {
    const taskDoc = this.taskDoc;
    void taskDoc?.version;
    return taskDoc === null ? {} : readRunSteps(taskDoc.doc, this.#runbookId);
  });

  readonly #runbookId: string;
  readonly #unfollow: () => void;
  #hold: TaskDocHold | null = null;

  constructor(doc: Y.Doc, keyOrId: string, runbookId: string, workspaceId: string) {
    this.#runbookId = runbookId;
    this.#unfollow = followTask(doc, keyOrId, (id) => {
      this.task = getTask(doc, id);
      if (this.#hold?.doc.taskId !== id) {
        this.#hold?.release();
        this.#hold = openTaskDoc(workspaceId, id);
        this.taskDoc = this.#hold.doc;
      }
    });
  }

  /** Stops observing the document and releases the task document. */
  destroy(): void {
    this.#unfollow();
    this.#hold?.release();
    this.#hold = null;
  }
}
