/**
 * The run of one runbook for one task, kept current: the task (found by id or human key,
 * `findTask`, and then followed by id) and the steps ticked for it. A task that is not in the
 * board document yet (first sync still running) is picked up as soon as it arrives.
 */
import type * as Y from 'yjs';
import {
  findTask,
  getTask,
  observeTask,
  observeTasks,
  readRunSteps
} from '$lib/shared/board/board-model';
import type { RunStep } from '$lib/shared/board/board-model';
import type { Task } from '$lib/shared/board/schema';

/** Reactive run of a runbook for a task; call `destroy()` when done. */
export class LiveRun {
  /** The task the runbook runs for, or null while it is not (or no longer) in the document. */
  task = $state.raw<Task | null>(null);
  /** Ticked steps by step id. */
  steps = $state.raw<Record<string, RunStep>>({});

  readonly #doc: Y.Doc;
  readonly #runbookId: string;
  #unobserve: () => void = () => {};

  constructor(doc: Y.Doc, keyOrId: string, runbookId: string) {
    this.#doc = doc;
    this.#runbookId = runbookId;
    const found = findTask(doc, keyOrId);
    if (found !== null) {
      this.#follow(found.id);
      return;
    }
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

  #read(id: string): void {
    this.task = getTask(this.#doc, id);
    this.steps = this.task === null ? {} : readRunSteps(this.#doc, id, this.#runbookId);
  }

  #follow(id: string): void {
    // Subscribe, then read: both synchronous, so no change falls in between.
    this.#unobserve = observeTask(this.#doc, id, () => this.#read(id));
    this.#read(id);
  }

  /** Stops observing the document. */
  destroy(): void {
    this.#unobserve();
  }
}
