/**
 * The last edits of a page that IndexedDB has not committed yet, kept so a reload or a closed
 * tab right after typing loses nothing.
 *
 * y-indexeddb writes every update in its own IndexedDB transaction, which commits a few ms
 * later (much later on a busy phone). A page unloaded meanwhile aborts the write: the text typed
 * last is gone from the offline copy, and offline nowhere else holds it. The journal keeps every
 * local update in memory until a later IndexedDB transaction on the same store completes (they
 * run in order, so the update is committed by then). When the page is hidden or unloaded it
 * writes what is still uncommitted to `localStorage`, which is synchronous; the next page of the
 * document applies it after loading the offline copy. Applying an update twice changes nothing
 * (Yjs), so a journal written by a tab that then kept running is harmless.
 */
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as Y from 'yjs';

/** The prefix of the journal keys of `docName` (one key per tab: `<prefix><tab id>`). */
export function journalPrefix(docName: string): string {
  return `runboard:unsaved:${docName}:`;
}

/** What the journal needs of `localStorage` (a `Map` does for tests). */
export type JournalStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key'> & {
  readonly length: number;
};

export interface JournalOptions {
  docName: string;
  storage: JournalStorage;
  /**
   * Resolves once every IndexedDB write started before the call has committed (a later
   * transaction on the same store completed); rejects when that cannot be known yet.
   */
  committed: () => Promise<void>;
  /** This tab's key suffix; random by default. */
  tabId?: string;
}

/**
 * Applies (and then forgets) every journal of the document found in `storage`, as one local
 * change. Returns how many journals were applied. Unreadable ones are dropped.
 */
export function replayJournals(
  doc: Y.Doc,
  docName: string,
  storage: JournalStorage,
  origin: unknown
): number {
  const prefix = journalPrefix(docName);
  const keys: string[] = [];
  for (let index = 0; index < storage.length; index++) {
    const key = storage.key(index);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  let applied = 0;
  for (const key of keys) {
    const stored = storage.getItem(key);
    storage.removeItem(key);
    if (stored === null) continue;
    try {
      Y.applyUpdate(doc, fromBase64(stored), origin);
      applied++;
    } catch {
      // A damaged entry (storage edited by hand, a cut-off write): nothing to recover.
    }
  }
  return applied;
}

/** Tracks the local updates of one document until IndexedDB has them. */
export class UnsavedJournal {
  readonly #options: JournalOptions;
  readonly #key: string;
  #pending: Uint8Array[] = [];
  #checking = false;
  #written = false;
  #destroyed = false;

  constructor(options: JournalOptions) {
    this.#options = options;
    this.#key =
      journalPrefix(options.docName) + (options.tabId ?? Math.random().toString(36).slice(2, 10));
  }

  /** Updates not known to be committed to IndexedDB yet. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** A local update was applied (and handed to IndexedDB): keep it until committed. */
  track(update: Uint8Array): void {
    if (this.#destroyed) return;
    this.#pending.push(update);
    void this.#check();
  }

  async #check(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      while (this.#pending.length > 0 && !this.#destroyed) {
        const covered = this.#pending.length;
        try {
          await this.#options.committed();
        } catch {
          // The database is not open yet (or is closing): y-indexeddb stores the whole state
          // once it opens; ask again shortly.
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        this.#pending.splice(0, covered);
      }
      if (this.#written && this.#pending.length === 0) this.#forget();
    } finally {
      this.#checking = false;
    }
  }

  /** Writes what is still uncommitted (page hidden or unloading); synchronous. */
  flush(): void {
    if (this.#destroyed || this.#pending.length === 0) return;
    try {
      this.#options.storage.setItem(this.#key, toBase64(Y.mergeUpdates(this.#pending)));
      this.#written = true;
    } catch {
      // Over quota (a huge uncommitted change): the edits are still in this page's memory and
      // most likely committed before the page goes; nothing better to do synchronously.
    }
  }

  #forget(): void {
    try {
      this.#options.storage.removeItem(this.#key);
    } catch {
      // Storage blocked: the entry is harmless when replayed.
    }
    this.#written = false;
  }

  /**
   * Stops tracking. What is still uncommitted is written for the next page of the document
   * (closing the database lets the writes finish, but nothing here learns that they did).
   */
  destroy(): void {
    this.flush();
    this.#destroyed = true;
  }

  /**
   * Stops tracking and drops what is uncommitted, writing nothing: the document was reset by
   * the server (a rebase), and its old updates must never be replayed.
   */
  discard(): void {
    this.#destroyed = true;
    this.#pending = [];
    this.#forget();
  }
}

/** Removes every journal of `docName` from `storage` (after a reset of the document). */
export function forgetJournals(docName: string, storage: JournalStorage): void {
  const prefix = journalPrefix(docName);
  const keys: string[] = [];
  for (let index = 0; index < storage.length; index++) {
    const key = storage.key(index);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  for (const key of keys) storage.removeItem(key);
}
