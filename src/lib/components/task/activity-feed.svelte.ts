/**
 * A task's activity as the task page shows it: the server's records, fetched from the REST API
 * (`GET …/tasks/{id}/activity`), never read from the board document. Fetched on open, again
 * shortly after the task changes (the server records the change as it applies it) and when the
 * browser comes back online. Offline, the entries loaded last in this tab stay on screen, marked
 * as such; with none loaded yet the page says activity needs a connection.
 */
import type { ActivityEntry } from '$lib/shared/board/schema';

/** Largest page the API serves; the newest this many entries are shown (the export has all). */
export const ACTIVITY_PAGE_LIMIT = 1000;
/** Wait after a change of the task before fetching again, so a burst of edits is one fetch. */
const REFRESH_DELAY_MS = 400;

export type ActivityFeedState =
  | { kind: 'loading' }
  | { kind: 'ready' }
  /** The last fetch failed: `offline` when the network is down, else the server refused. */
  | { kind: 'error'; offline: boolean };

/** Entries loaded in this tab, by `<ws>/<task id>`: what an offline page can still show. */
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache, never rendered from
const lastLoaded = new Map<string, { entries: ActivityEntry[]; total: number }>();

function isOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

export class ActivityFeed {
  entries = $state.raw<ActivityEntry[]>([]);
  /** Number of entries the task has in all (may be more than `entries` holds). */
  total = $state(0);
  state = $state.raw<ActivityFeedState>({ kind: 'loading' });
  /** Whether `entries` come from an earlier load (the last fetch failed). */
  stale = $state(false);
  readonly exportHref: string;
  readonly #url: string;
  readonly #key: string;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #generation = 0;
  #destroyed = false;
  readonly #onOnline = () => this.refresh();

  constructor(workspaceId: string, taskId: string) {
    const base = `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/tasks/${encodeURIComponent(taskId)}/activity`;
    this.#url = base;
    this.exportHref = `${base}/export?format=csv`;
    this.#key = `${workspaceId}/${taskId}`;
    const cached = lastLoaded.get(this.#key);
    if (cached) {
      this.entries = cached.entries;
      this.total = cached.total;
    }
    if (typeof window !== 'undefined') window.addEventListener('online', this.#onOnline);
    this.refresh();
  }

  /** Fetches again after a short wait (the task changed). */
  changed(): void {
    if (this.#destroyed) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.refresh();
    }, REFRESH_DELAY_MS);
  }

  /** Fetches the newest entries now. */
  refresh(): void {
    if (this.#destroyed) return;
    const generation = ++this.#generation;
    if (this.entries.length === 0 && this.state.kind !== 'ready') this.state = { kind: 'loading' };
    void this.#load().then(
      (page) => {
        if (generation !== this.#generation || this.#destroyed) return;
        this.entries = page.entries;
        this.total = page.total;
        this.stale = false;
        this.state = { kind: 'ready' };
        lastLoaded.set(this.#key, page);
      },
      (error: unknown) => {
        if (generation !== this.#generation || this.#destroyed) return;
        const offline = isOffline() || error instanceof TypeError;
        this.stale = this.entries.length > 0;
        this.state = { kind: 'error', offline };
      }
    );
  }

  async #load(): Promise<{ entries: ActivityEntry[]; total: number }> {
    const first = await this.#fetch(0);
    if (first.total <= ACTIVITY_PAGE_LIMIT) return first;
    // More than one page: the newest page instead (the list is oldest first).
    return this.#fetch(first.total - ACTIVITY_PAGE_LIMIT);
  }

  async #fetch(offset: number): Promise<{ entries: ActivityEntry[]; total: number }> {
    const response = await fetch(`${this.#url}?limit=${ACTIVITY_PAGE_LIMIT}&offset=${offset}`, {
      headers: { accept: 'application/json' }
    });
    if (!response.ok) throw new Error(`activity: HTTP ${response.status}`);
    const entries = (await response.json()) as ActivityEntry[];
    const total = Number(response.headers.get('x-total-count') ?? entries.length);
    return { entries, total: Number.isFinite(total) ? total : entries.length };
  }

  destroy(): void {
    this.#destroyed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (typeof window !== 'undefined') window.removeEventListener('online', this.#onOnline);
  }
}
