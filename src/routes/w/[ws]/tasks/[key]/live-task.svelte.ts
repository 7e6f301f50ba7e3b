/**
 * The task a detail page shows, kept current: the card from the board document, found by id or
 * human key and then followed by id (`followTask`: archived ones included, also when it arrives
 * with the first sync), and its description, checklist and comments from the task's own
 * document (`<ws>.task.<id>`, opened once the id is known; see sync/task-doc.svelte.ts).
 *
 * The page does not wait for the board: a card this device showed lately (or, with nothing
 * kept, the card the server answers for the key) gives the id at once, so the task document
 * opens beside the board, and the page shows that card (`cardLive` false) until the live board
 * has the task; an edit of a card field made in that moment is refused with the model's
 * not-found message, content edits go to the task document as always.
 *
 * A page opened directly may come with the server's first view of the task (card and content,
 * server/board/task-first-view.ts): it seeds the card, and its content is shown (read-only:
 * `contentShown` but not `contentReady`) until the task document is loaded.
 */
import { SvelteSet } from 'svelte/reactivity';
import type * as Y from 'yjs';
import { cachedTaskCard, fetchTaskCard, rememberTaskCard } from '$lib/board/task-card-cache';
import { followTask, getTaskDetail, isTaskRef } from '$lib/shared/board/board-model';
import type { Task, TaskDetail } from '$lib/shared/board/schema';
import { readTaskContent, taskContentOf, type TaskContent } from '$lib/shared/board/task-doc';
import { openTaskDoc, type TaskDoc, type TaskDocHold } from '$lib/sync/task-doc.svelte';

/** Reactive task of a detail page; call `destroy()` when done. */
export class LiveTask {
  /** The open task document, once the task is found. */
  taskDoc = $state.raw<TaskDoc | null>(null);
  #id = $state<string | null>(null);
  /** Bumped on every change of the card. */
  #cardVersion = $state(0);
  /** The kept or fetched card, shown until the live board has the task. */
  #seed = $state.raw<Task | null>(null);
  /** The server's first view of the task's content, shown until its document is loaded. */
  #seedContent: TaskContent | null = null;
  /** Whether the card shown is the live board's (editable) rather than the kept one. */
  cardLive = $state(false);
  /** Nothing kept and the server had no card to answer: only the board can find the task. */
  needsBoard = $state(false);

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
    const ready = taskDoc?.ready ? taskDoc.doc : undefined;
    const live = getTaskDetail(this.#board, id, ready);
    const seed = this.#seed;
    if (live !== null && (ready || this.#seedContent === null)) return live;
    if (live !== null) return { ...live, ...this.#seedContent };
    if (seed === null || seed.id !== id) return null;
    const content = ready ? readTaskContent(taskContentOf(ready)) : this.#seedContent;
    return {
      ...seed,
      description: content?.description ?? seed.description,
      checklist: content?.checklist ?? [],
      comments: content?.comments ?? [],
      activity: []
    };
  });

  /** Whether the description, checklist and comments are loaded (offline copy or server). */
  get contentReady(): boolean {
    return this.taskDoc?.ready ?? false;
  }

  /** Whether there is content to show: loaded, or the server's first view of it. */
  get contentShown(): boolean {
    return this.contentReady || this.#seedContent !== null;
  }

  readonly #board: Y.Doc;
  readonly #unfollow: () => void;
  readonly #workspaceId: string;
  #hold: TaskDocHold | null = null;
  #destroyed = false;

  constructor(
    board: Y.Doc,
    keyOrId: string,
    workspaceId: string,
    firstView: TaskDetail | null = null
  ) {
    this.#board = board;
    this.#workspaceId = workspaceId;
    const first = firstView !== null && isTaskRef(firstView, keyOrId) ? firstView : null;
    if (first !== null) {
      usedFirstViews.add(first);
      const { description, checklist, comments } = first;
      this.#seedContent = { description, checklist, comments };
    }
    const kept = first ?? cachedTaskCard(workspaceId, keyOrId);
    if (kept !== null) this.#seedWith(kept);
    this.#unfollow = followTask(board, keyOrId, (id) => {
      this.#open(id);
      this.#cardVersion++;
      if (!this.cardLive) {
        this.cardLive = true;
        // Kept for the next visit, which can then open before the board is loaded.
        queueMicrotask(() => this.remember());
      }
    });
    if (kept === null && !this.cardLive) {
      void fetchTaskCard(workspaceId, keyOrId).then((card) => {
        if (this.#destroyed || this.#id !== null) return;
        if (card !== null) this.#seedWith(card);
        else this.needsBoard = true;
      });
    }
  }

  #seedWith(card: Task): void {
    this.#seed = card;
    this.#open(card.id);
  }

  #open(id: string): void {
    if (this.#id === id) return;
    this.#hold?.release();
    this.#hold = openTaskDoc(this.#workspaceId, id);
    this.taskDoc = this.#hold.doc;
    this.#id = id;
  }

  /** Keeps the card shown for the next visit (task-card-cache.ts). */
  remember(): void {
    const detail = this.detail;
    if (detail !== null && this.cardLive) rememberTaskCard(this.#workspaceId, detail);
  }

  /** Stops observing and releases the task document. */
  destroy(): void {
    this.remember();
    this.#destroyed = true;
    this.#unfollow();
    this.#hold?.release();
    this.#hold = null;
  }
}

/**
 * First views a live task was seeded with: each is for the page load that brought it. Reactive,
 * so a page's first view is gone once used (a board opened again must not seed it twice).
 */
const usedFirstViews = new SvelteSet<TaskDetail>();

/**
 * Whether the server's first view (layout data, kept for the whole visit of the workspace) is
 * still the news: not once a live task used it (a later visit of the same task would show
 * content as it was when the workspace was opened).
 */
export function firstViewFresh(view: TaskDetail): boolean {
  return !usedFirstViews.has(view);
}
