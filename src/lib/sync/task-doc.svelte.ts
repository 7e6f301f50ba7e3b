/**
 * A task's content document in the browser (`<ws>.task.<id>`: description, checklist,
 * comments, runbook runs; see shared/board/task-doc.ts), opened with `connectDoc` (offline
 * copy in IndexedDB + websocket), and shared: the task page, its links panel and a runbook in
 * run mode for the task use one connection per document (`openTaskDoc` counts the holders and
 * closes it when the last one releases it).
 *
 * `ready` says the content is there to show and edit: the offline copy had it, or the server
 * answered. Until then the page shows a loading state, and nothing is written: a change made
 * to an empty document before the server's containers arrive would create concurrent ones.
 */
import { untrack } from 'svelte';
import type * as Y from 'yjs';
import { taskContentOf } from '$lib/shared/board/task-doc';
import { taskDocName } from '$lib/shared/doc-name';
import { connectDoc, type DocConnection } from './connect-doc';
import { rememberViewedTask } from './task-prefetch';

/** One open task document, kept current as rune state. */
export class TaskDoc {
  readonly workspaceId: string;
  readonly taskId: string;
  readonly connection: DocConnection;
  /** Bumped on every change of the content, so `$derived` reads re-run. */
  version = $state(0);
  /** The content is loaded (offline copy or server), so it can be shown and edited. */
  ready = $state(false);

  readonly #unobserve: () => void;
  #stopStatus: () => void = () => {};

  constructor(workspaceId: string, taskId: string) {
    this.workspaceId = workspaceId;
    this.taskId = taskId;
    this.connection = connectDoc(taskDocName(workspaceId, taskId));
    const content = taskContentOf(this.connection.doc);
    const changed = () => {
      this.version++;
      this.#checkReady();
    };
    content.observeDeep(changed);
    this.#unobserve = () => content.unobserveDeep(changed);
    void this.connection.whenLocalLoaded.then(() => this.#checkReady());
    this.#checkReady();
    // The server's first sync ends the wait even for a task with nothing in it yet.
    const status = this.connection.status;
    this.#stopStatus = $effect.root(() => {
      $effect(() => {
        if (status.synced || status.localLoaded) untrack(() => this.#checkReady());
      });
    });
  }

  /** The document (for reads through the shared model). */
  get doc(): Y.Doc {
    return this.connection.doc;
  }

  #checkReady(): void {
    if (this.ready) return;
    const status = this.connection.status;
    // The server sets up every task document's containers on load: `description` is there.
    const hasContent = taskContentOf(this.connection.doc).has('description');
    if ((status.localLoaded && hasContent) || status.synced) {
      this.ready = true;
      this.version++;
      this.#stopStatus();
    }
  }

  /**
   * Runs one local change (synced like any edit); the error message (`describe`, e.g. the
   * board's translated one), or null. Refused while the content is not loaded.
   */
  edit(
    change: (doc: Y.Doc) => void,
    describe: (error: unknown) => string = (error) =>
      error instanceof Error ? error.message : String(error)
  ): string | null {
    if (!this.ready) return describe(new Error('the task content is still loading'));
    try {
      change(this.connection.doc);
      return null;
    } catch (error) {
      return describe(error);
    }
  }

  /** Closes the connection (use `release` of `openTaskDoc` instead when shared). */
  destroy(): void {
    this.#stopStatus();
    this.#unobserve();
    this.connection.destroy();
  }
}

interface Held {
  doc: TaskDoc;
  holders: number;
}

// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a registry, never rendered from
const open = new Map<string, Held>();

/** A hold on a shared task document; `release` once done (idempotent). */
export interface TaskDocHold {
  readonly doc: TaskDoc;
  release(): void;
}

/** Opens (or shares) the task document of `taskId`; remembers it as recently viewed. */
export function openTaskDoc(workspaceId: string, taskId: string): TaskDocHold {
  const name = taskDocName(workspaceId, taskId);
  let held = open.get(name);
  if (!held) {
    held = { doc: new TaskDoc(workspaceId, taskId), holders: 0 };
    open.set(name, held);
  }
  held.holders++;
  rememberViewedTask(workspaceId, taskId);
  const current = held;
  let released = false;
  return {
    doc: current.doc,
    release() {
      if (released) return;
      released = true;
      current.holders--;
      if (current.holders > 0) return;
      open.delete(name);
      current.doc.destroy();
    }
  };
}

/** Whether this tab has the task document open (the prefetch skips it). */
export function isTaskDocOpen(workspaceId: string, taskId: string): boolean {
  return open.has(taskDocName(workspaceId, taskId));
}
