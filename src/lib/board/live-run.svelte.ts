/**
 * The run of one runbook for one task, kept current: the task (found by id or human key and
 * then followed by id, `followTask`, also when it arrives with the first sync) and the steps
 * ticked for it.
 */
import type * as Y from 'yjs';
import { followTask, getTask, readRunSteps } from '$lib/shared/board/board-model';
import type { RunStep } from '$lib/shared/board/board-model';
import type { Task } from '$lib/shared/board/schema';

/** Reactive run of a runbook for a task; call `destroy()` when done. */
export class LiveRun {
  /** The task the runbook runs for, or null while it is not (or no longer) in the document. */
  task = $state.raw<Task | null>(null);
  /** Ticked steps by step id. */
  steps = $state.raw<Record<string, RunStep>>({});

  readonly #unfollow: () => void;

  constructor(doc: Y.Doc, keyOrId: string, runbookId: string) {
    this.#unfollow = followTask(doc, keyOrId, (id) => {
      this.task = getTask(doc, id);
      this.steps = this.task === null ? {} : readRunSteps(doc, id, runbookId);
    });
  }

  /** Stops observing the document. */
  destroy(): void {
    this.#unfollow();
  }
}
