/**
 * Keeps offline copies of the task documents (`<ws>.task.<id>`) a user is likely to open, so a
 * task page opens from IndexedDB, also with no network:
 *
 * - any task document with edits not yet sent (its pending count in localStorage, see
 *   `pendingStorageKey`): first, so they reach the server;
 * - recently viewed tasks (a short list in localStorage, newest first);
 * - open tasks assigned to the current user;
 * - open incidents.
 *
 * At most `PREFETCH_CAP` documents per run, through a pool of at most `PREFETCH_CONCURRENCY`
 * connections at a time, each closed once synced, so a board with hundreds of such tasks
 * never opens hundreds of sockets. A document synced by this device in the last
 * `PREFETCH_FRESH_MS` is skipped (unless it has edits waiting), as is one a page has open.
 * The run starts once the board is live and the browser is idle (`requestIdleCallback`).
 *
 * The pool (`runPrefetch`) and the choice (`prefetchCandidates`) take their I/O as arguments,
 * so they are tested without a browser.
 */
import type { Column, Task } from '$lib/shared/board/schema';
import { parseDocName, taskDocName } from '$lib/shared/doc-name';

/** Most task documents fetched at the same time. */
export const PREFETCH_CONCURRENCY = 2;
/** Most task documents per run. */
export const PREFETCH_CAP = 100;
/** A document synced more recently than this is not fetched again. */
export const PREFETCH_FRESH_MS = 10 * 60_000;
/** Recently viewed tasks kept per workspace. */
export const RECENT_TASKS_MAX = 20;
/** Longest wait for one document to sync before the pool moves on. */
export const PREFETCH_TIMEOUT_MS = 20_000;

/** The part of `localStorage` this module uses (tests pass a Map-backed one). */
export interface PrefetchStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

function browserStorage(): PrefetchStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

const recentKey = (workspaceId: string) => `runboard:recent-tasks:${workspaceId}`;
const syncedKey = (workspaceId: string) => `runboard:task-synced:${workspaceId}`;

function readJson(storage: PrefetchStorage, key: string): unknown {
  try {
    const raw = storage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null;
  }
}

function writeJson(storage: PrefetchStorage, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // A full quota or blocked storage only costs the prefetch its memory.
  }
}

/** Recently viewed task ids of a workspace, newest first. */
export function recentTasks(
  workspaceId: string,
  storage: PrefetchStorage | null = browserStorage()
): string[] {
  if (storage === null) return [];
  const value = readJson(storage, recentKey(workspaceId));
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}

/** Notes that the user viewed task `taskId` (newest first, at most `RECENT_TASKS_MAX`). */
export function rememberViewedTask(
  workspaceId: string,
  taskId: string,
  storage: PrefetchStorage | null = browserStorage()
): void {
  if (storage === null) return;
  const list = [taskId, ...recentTasks(workspaceId, storage).filter((id) => id !== taskId)];
  writeJson(storage, recentKey(workspaceId), list.slice(0, RECENT_TASKS_MAX));
}

/** When each task document of a workspace was last synced by the prefetch (ms), by task id. */
export function syncedTimes(
  workspaceId: string,
  storage: PrefetchStorage | null = browserStorage()
): Record<string, number> {
  if (storage === null) return {};
  const value = readJson(storage, syncedKey(workspaceId));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const result: Record<string, number> = {};
  for (const [id, at] of Object.entries(value)) if (typeof at === 'number') result[id] = at;
  return result;
}

/** Records that task `taskId`'s document was synced at `at`; forgets entries past freshness. */
export function markTaskSynced(
  workspaceId: string,
  taskId: string,
  at: number,
  storage: PrefetchStorage | null = browserStorage()
): void {
  if (storage === null) return;
  const times = syncedTimes(workspaceId, storage);
  times[taskId] = at;
  for (const [id, when] of Object.entries(times)) {
    if (at - when > PREFETCH_FRESH_MS) delete times[id];
  }
  writeJson(storage, syncedKey(workspaceId), times);
}

/** Task ids of the workspace whose documents hold edits not yet sent (connect-doc's counts). */
export function pendingTaskIds(
  workspaceId: string,
  storage: PrefetchStorage | null = browserStorage()
): string[] {
  if (storage === null) return [];
  const prefix = 'runboard:pending:';
  const ids: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key === null || !key.startsWith(prefix)) continue;
    const parsed = parseDocName(key.slice(prefix.length));
    if (!parsed.ok || parsed.name.kind !== 'task') continue;
    if (parsed.name.workspaceId !== workspaceId) continue;
    if (Number(storage.getItem(key)) > 0) ids.push(parsed.name.id);
  }
  return ids;
}

/** What decides which task documents to fetch. */
export interface PrefetchInput {
  /** Tasks on the board (the live view). */
  tasks: Iterable<Task>;
  columns: readonly Column[];
  meId: string;
  /** Recently viewed, newest first. */
  recent: readonly string[];
  /** With edits not yet sent. */
  pending: readonly string[];
}

/**
 * The task ids to fetch, most wanted first, without duplicates, at most `cap`: edits waiting,
 * recently viewed (still on the board), open tasks assigned to `meId`, open incidents.
 */
export function prefetchCandidates(input: PrefetchInput, cap = PREFETCH_CAP): string[] {
  const done = new Set(input.columns.filter((c) => c.category === 'done').map((c) => c.id));
  const onBoard = new Map<string, Task>();
  for (const task of input.tasks) onBoard.set(task.id, task);
  const open = [...onBoard.values()].filter(
    (task) => task.archivedAt === null && !done.has(task.status)
  );
  const ordered = [
    ...input.pending,
    ...input.recent.filter((id) => onBoard.has(id)),
    ...open.filter((task) => task.assignee === input.meId).map((task) => task.id),
    ...open.filter((task) => task.kind === 'incident').map((task) => task.id)
  ];
  return [...new Set(ordered)].slice(0, cap);
}

/** One prefetch connection: resolves once synced (or failed); `close` ends it. */
export interface PrefetchConnection {
  synced: Promise<boolean>;
  close(): void;
}

export interface PrefetchDeps {
  /** Opens the document of `taskId` (offline copy + websocket). */
  open(taskId: string): PrefetchConnection;
  /** When the document was last synced here (ms), if known. */
  lastSynced(taskId: string): number | undefined;
  /** Records a completed sync. */
  markSynced(taskId: string, at: number): void;
  /** Whether a page has the document open (then it syncs anyway). */
  isOpen(taskId: string): boolean;
  now(): number;
  /** Stops the run early (the board was closed). */
  cancelled?(): boolean;
}

export interface PrefetchResult {
  fetched: string[];
  skipped: string[];
  failed: string[];
}

/**
 * Fetches `ids` in order through at most `concurrency` connections at a time, each closed once
 * its document synced. Skips documents open elsewhere and those synced within
 * `PREFETCH_FRESH_MS`, except `mustSync` ones (edits waiting).
 */
export async function runPrefetch(
  ids: readonly string[],
  deps: PrefetchDeps,
  options: { concurrency?: number; mustSync?: ReadonlySet<string> } = {}
): Promise<PrefetchResult> {
  const concurrency = Math.max(1, options.concurrency ?? PREFETCH_CONCURRENCY);
  const result: PrefetchResult = { fetched: [], skipped: [], failed: [] };
  const queue = ids.filter((id) => {
    const last = deps.lastSynced(id);
    const fresh = last !== undefined && deps.now() - last < PREFETCH_FRESH_MS;
    const skip = deps.isOpen(id) || (fresh && !options.mustSync?.has(id));
    if (skip) result.skipped.push(id);
    return !skip;
  });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length && !deps.cancelled?.()) {
      const id = queue[next++] as string;
      const connection = deps.open(id);
      let ok = false;
      try {
        ok = await connection.synced;
      } catch {
        ok = false;
      } finally {
        connection.close();
      }
      if (ok) {
        deps.markSynced(id, deps.now());
        result.fetched.push(id);
      } else {
        result.failed.push(id);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, () => worker()));
  return result;
}

/** The browser's document opener for the pool: `connectDoc`, closed by the pool once synced. */
export async function browserPrefetchDeps(
  workspaceId: string,
  isOpen: (taskId: string) => boolean,
  cancelled: () => boolean
): Promise<PrefetchDeps> {
  const { connectDoc } = await import('./connect-doc');
  return {
    open(taskId) {
      const connection = connectDoc(taskDocName(workspaceId, taskId));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const synced = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PREFETCH_TIMEOUT_MS);
        const check = () => {
          const status = connection.status;
          if (status.state === 'refused') resolve(false);
          else if (status.synced) {
            // Wait for the offline copy to hold what arrived before closing.
            resolve(true);
          } else setTimeout(check, 50);
        };
        check();
      });
      return {
        synced: synced.then(async (ok) => {
          clearTimeout(timer);
          // y-indexeddb stores an update a moment after it arrives.
          if (ok) await new Promise((resolve) => setTimeout(resolve, 100));
          return ok;
        }),
        close: () => connection.destroy()
      };
    },
    lastSynced: (taskId) => syncedTimes(workspaceId)[taskId],
    markSynced: (taskId, at) => markTaskSynced(workspaceId, taskId, at),
    isOpen,
    now: () => Date.now(),
    cancelled
  };
}

/**
 * Starts one prefetch run for a workspace once the browser is idle; `input` is read then.
 * Returns a function that cancels it (the open connection closes after its sync).
 */
export function startTaskPrefetch(
  workspaceId: string,
  input: () => Omit<PrefetchInput, 'recent' | 'pending'>,
  isOpen: (taskId: string) => boolean
): () => void {
  let cancelled = false;
  const run = async () => {
    if (cancelled) return;
    const pending = pendingTaskIds(workspaceId);
    const ids = prefetchCandidates({ ...input(), recent: recentTasks(workspaceId), pending });
    if (ids.length === 0) return;
    const deps = await browserPrefetchDeps(workspaceId, isOpen, () => cancelled);
    await runPrefetch(ids, deps, { mustSync: new Set(pending) });
  };
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(() => void run(), { timeout: 5_000 });
    return () => {
      cancelled = true;
      cancelIdleCallback(handle);
    };
  }
  const timer = setTimeout(() => void run(), 1_000);
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
