/**
 * Opens one shared document in the browser: a `Y.Doc`, its offline copy in IndexedDB
 * (`y-indexeddb`) and the stock `y-websocket` provider on `ws(s)://<host>/sync/<docName>`.
 * Edits are applied to the local doc first, so they work offline and reach the server when
 * the connection comes back (the provider resyncs by state vector on every connect).
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { parseDocName } from '$lib/shared/doc-name';
import {
  CloseCode,
  SYNC_PATH_PREFIX,
  closeCodeName,
  isRetryableClose
} from '$lib/shared/sync-protocol';
import { SyncStatus, type SyncError } from './sync-status.svelte';
import {
  UnsavedJournal,
  forgetJournals,
  replayJournals,
  type JournalStorage
} from './unsaved-journal';
import { batchRemoteUpdates } from './remote-batching';
import { LeanWebsocketProvider, quietLoad } from './lean-provider';

/** Origin of the edits replayed from an unsaved journal: local edits, stored and sent. */
const JOURNAL_ORIGIN = Symbol('unsaved journal');

/** `localStorage`, or null where the browser blocks it. */
function browserStorage(): JournalStorage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/**
 * Resolves once every write y-indexeddb started so far has committed: a read-only transaction
 * on the same store starts only after the read-write ones created before it have finished.
 */
function writesCommitted(persistence: IndexeddbPersistence | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = persistence?.db ?? null;
    if (db === null) {
      reject(new Error('offline copy not open yet'));
      return;
    }
    try {
      const transaction = db.transaction(['updates'], 'readonly');
      transaction.oncomplete = () => resolve();
      transaction.onabort = () => reject(transaction.error ?? new Error('aborted'));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** Where the pending count of `docName` survives a reload while offline (localStorage). */
export function pendingStorageKey(docName: string): string {
  return `runboard:pending:${docName}`;
}

/** The stored pending count of `docName`; 0 when none, unreadable or storage is blocked. */
function loadPending(key: string): number {
  try {
    const stored = Number(localStorage.getItem(key));
    return Number.isSafeInteger(stored) && stored > 0 ? stored : 0;
  } catch {
    return 0;
  }
}

/** Stores (or with 0, forgets) the pending count; storage being blocked only loses the count. */
function savePending(key: string, count: number): void {
  try {
    if (count > 0) localStorage.setItem(key, String(count));
    else localStorage.removeItem(key);
  } catch {
    // Private mode or a full quota: the edits themselves are in IndexedDB either way.
  }
}

/** Where the time of the last completed sync of `docName` is kept (localStorage, ISO). */
export function lastSyncedStorageKey(docName: string): string {
  return `runboard:last-synced:${docName}`;
}

/** When this device last completed a sync of `docName` (ISO), or null when never/unknown. */
export function readLastSyncedAt(docName: string): string | null {
  try {
    return localStorage.getItem(lastSyncedStorageKey(docName));
  } catch {
    return null;
  }
}

function saveLastSyncedAt(docName: string, at: string): void {
  try {
    localStorage.setItem(lastSyncedStorageKey(docName), at);
  } catch {
    // Blocked storage: a reset then saves every task changed, which is only more work.
  }
}

/** Resets of one document within this window count towards `MAX_RESETS`. */
const RESET_WINDOW_MS = 60_000;
/**
 * More resets than this within `RESET_WINDOW_MS` (the copy keeps being refused, e.g. another
 * tab keeps feeding the old generation over the cross-tab channel): stop reloading and show the
 * refusal instead of looping.
 */
const MAX_RESETS = 3;

/** Counts a reset of `docName` in this tab's session; false when there were too many. */
function mayReset(docName: string): boolean {
  try {
    const key = `runboard:resets:${docName}`;
    const now = Date.now();
    const recent = (JSON.parse(sessionStorage.getItem(key) ?? '[]') as unknown[])
      .filter((at): at is number => typeof at === 'number' && now - at < RESET_WINDOW_MS)
      .concat(now);
    sessionStorage.setItem(key, JSON.stringify(recent));
    return recent.length <= MAX_RESETS;
  } catch {
    return true;
  }
}

/**
 * True when this device certainly holds no offline copy of `docName` (y-indexeddb names its
 * database after the document). False when it may, or when the browser cannot list databases.
 */
async function noCopyStored(docName: string): Promise<boolean> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return false;
  try {
    const databases = await indexedDB.databases();
    return !databases.some((database) => database.name === docName);
  } catch {
    return false;
  }
}

export interface ConnectDocOptions {
  /** Base URL of the sync endpoint; defaults to `syncBaseUrl()` of the current page. */
  wsBaseUrl?: string;
  /** Keep an offline copy in IndexedDB (default true). */
  offlineCopy?: boolean;
  /** Called once when the server refuses the document for good (see `isRetryableClose`). */
  onRefused?: (error: SyncError) => void;
  /**
   * Called when the server reset the document (`CloseCode.DocumentReset`: it was rebased, or
   * this copy is from before a rebase), before the offline copy and unsaved journals are
   * cleared and the page reloads: the moment to save what this device changed since it was
   * last in sync (`readLastSyncedAt`). Synchronous; a throw is logged and the reset goes on.
   */
  onReset?: (doc: Y.Doc) => void;
  /** Replaces `location.reload()` after a reset (tests). */
  reload?: () => void;
  /**
   * Opens nothing (offline copy, websocket) before this settles, e.g. so that a task page shows
   * its own document before the board's decoding takes the main thread. Default: at once.
   */
  startAfter?: Promise<unknown>;
}

export interface DocConnection {
  readonly docName: string;
  readonly doc: Y.Doc;
  readonly status: SyncStatus;
  /** Who else has the document open (the provider's awareness; see presence.svelte.ts). */
  readonly awareness: Awareness;
  /** Resolves once the offline copy is loaded into `doc` (at once without one). */
  readonly whenLocalLoaded: Promise<void>;
  /** Resolves after the first completed sync with the server. */
  readonly whenSynced: Promise<void>;
  /**
   * Calls `listener` right before edits from the server are applied to `doc`, outside any
   * transaction, e.g. for an editor to take in input it has not read yet; returns the remover.
   */
  readonly beforeRemoteChanges: (listener: () => void) => () => void;
  /** Closes the connection, releases IndexedDB and destroys the doc; idempotent. */
  destroy(): void;
}

/** `ws://<host>/sync` (or `wss://` on an https page): where the provider connects. */
export function syncBaseUrl(page: Pick<Location, 'protocol' | 'host'> = location): string {
  const scheme = page.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${page.host}${SYNC_PATH_PREFIX.replace(/\/$/, '')}`;
}

/** Opens `docName` (offline copy + websocket) and tracks its state in a `SyncStatus`. */
export function connectDoc(docName: string, options: ConnectDocOptions = {}): DocConnection {
  // The server refuses bad names too; failing here keeps junk out of IndexedDB.
  const parsed = parseDocName(docName);
  if (!parsed.ok) throw new Error(`invalid document name (${parsed.reason})`);

  const doc = new Y.Doc();
  const status = new SyncStatus();
  const offline = options.offlineCopy !== false;
  const started: Promise<void> = (options.startAfter ?? Promise.resolve()).then(
    () => undefined,
    () => undefined
  );
  // Asked before the persistence below opens (and so creates) the document's database.
  const noStoredCopy = offline ? noCopyStored(docName) : Promise.resolve(false);
  // Created once started; edits made before are written into it when it loads (y-indexeddb
  // stores the document's state first).
  let persistence: IndexeddbPersistence | null = null;
  let stopQuietLoad = (): void => {};
  const openCopy = (): Promise<void> => {
    if (destroyed) return Promise.resolve();
    persistence = new IndexeddbPersistence(docName, doc);
    stopQuietLoad = quietLoad(doc, persistence);
    return persistence.whenSynced.then(() => stopQuietLoad());
  };
  // Edits made offline before a reload are still waiting (they are in IndexedDB); so is their
  // count, until the next completed sync. Without an offline copy a reload loses both.
  const pendingKey = offline ? pendingStorageKey(docName) : null;
  if (pendingKey !== null) status.pendingLocalChanges = loadPending(pendingKey);
  const whenLocalLoaded: Promise<void> = !offline
    ? Promise.resolve()
    : started.then(openCopy).then(
        () => undefined,
        () => undefined
      );
  if (!offline) status.localLoaded = true;
  else void whenLocalLoaded.then(() => (status.localLoaded = true));
  let destroyed = false;
  // Edits the last page typed just before it went, which IndexedDB had not committed.
  const storage = offline ? browserStorage() : null;
  const journal =
    storage === null
      ? null
      : new UnsavedJournal({ docName, storage, committed: () => writesCommitted(persistence) });
  if (storage !== null) {
    void whenLocalLoaded.then(() => {
      if (!destroyed) replayJournals(doc, docName, storage, JOURNAL_ORIGIN);
    });
  }

  const provider = new LeanWebsocketProvider(options.wsBaseUrl ?? syncBaseUrl(), docName, doc, {
    // Same rule as y-websocket's default (44xx is final), named in one place so the UI can
    // tell a refusal (4401/4403) from a transient close (4009 access changed, 4008 idle).
    shouldReconnect: (event) => isRetryableClose(event.code),
    // Connected once the offline copy is in the doc (below), or at once when there is none:
    // the first sync step then sends the local state vector, so the server sends only what
    // this device lacks instead of the whole document, and the copy loaded from IndexedDB is
    // not posted to every other tab over the provider's BroadcastChannel (16 MB and ~0.6 s on
    // a 10,000-task board).
    connect: false
  });

  // Remote edits are applied in paced batches (see remote-batching.ts).
  const batcher = batchRemoteUpdates(provider);

  provider.on('status', ({ status: next }) => {
    if (next === 'disconnected') batcher.flush();
    if (status.state === 'refused') return;
    if (next === 'connected') status.state = 'online';
    else if (next === 'disconnected') status.state = 'offline';
    // 'connecting' keeps 'offline' while retrying, so the badge does not flicker.
  });
  provider.on('connection-close', (event) => {
    // `event` is null when we closed the socket ourselves.
    if (event !== null) status.recordClose(event.code, event.reason);
    if (status.state === 'connecting') status.state = 'offline';
  });
  let resetting = false;
  /**
   * The server reset the document: keep what this device changed (the caller's `onReset`),
   * forget the offline copy and the unsaved journals (their updates belong to the retired
   * generation and would be refused again), and reload to open the fresh document.
   */
  const handleReset = async (): Promise<void> => {
    resetting = true;
    status.resetting = true;
    // No old update may reach another tab (or come back from one) over the cross-tab channel.
    provider.disconnectBc();
    doc.off('update', handleUpdate);
    journal?.discard();
    try {
      options.onReset?.(doc);
    } catch (error) {
      console.warn(`sync: saving the changes of ${docName} before its reset failed`, error);
    }
    if (storage !== null) forgetJournals(docName, storage);
    if (pendingKey !== null) savePending(pendingKey, 0);
    if (persistence !== null) {
      // Another tab still holding the database blocks the deletion; it is reset too and lets
      // go when it reloads. Reload after a while either way.
      await Promise.race([
        persistence.clearData().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 3_000))
      ]);
    }
    console.info(`sync: ${docName} was reset by the server; reloading`);
    (options.reload ?? (() => location.reload()))();
  };

  provider.on('closed', ({ code, reason }) => {
    if (code === CloseCode.DocumentReset && !resetting && mayReset(docName)) {
      void handleReset();
      return;
    }
    if (resetting) return;
    const error: SyncError = { code, name: closeCodeName(code), reason };
    status.state = 'refused';
    status.synced = false;
    status.lastError = error;
    console.warn(`sync: ${docName} refused by the server (${code} ${error.name}) ${reason}`);
    options.onRefused?.(error);
  });
  let markSynced!: () => void;
  const whenSynced = new Promise<void>((resolve) => (markSynced = resolve));
  provider.on('sync', (isSynced) => {
    status.synced = isSynced;
    if (isSynced) {
      markSynced();
      saveLastSyncedAt(docName, new Date().toISOString());
      status.pendingLocalChanges = 0;
      status.lastError = null;
      if (pendingKey !== null) savePending(pendingKey, 0);
    }
  });

  const handleUpdate = (update: Uint8Array, origin: unknown): void => {
    // Remote updates arrive with the provider as origin, the offline copy with the
    // persistence; everything else was made here.
    if (origin === provider || (persistence !== null && origin === persistence)) return;
    journal?.track(update);
    // The browser knows it is offline before the socket's close arrives; an edit made in
    // between is not confirmed either.
    const online = typeof navigator === 'undefined' || navigator.onLine !== false;
    if (!(online && provider.wsconnected && provider.synced)) {
      // Another tab of this document may have counted its own offline edits meanwhile.
      const stored = pendingKey === null ? 0 : loadPending(pendingKey);
      status.pendingLocalChanges = Math.max(status.pendingLocalChanges, stored) + 1;
      if (pendingKey !== null) savePending(pendingKey, status.pendingLocalChanges);
    }
  };
  doc.on('update', handleUpdate);

  // A lost network often leaves the socket half-open until a timeout; the browser knows
  // sooner. Closing it lets the provider retry with backoff (the cross-tab channel stays up).
  const handleOffline = (): void => {
    if (status.state === 'refused') return;
    status.state = 'offline';
    status.synced = false;
    provider.ws?.close();
  };
  // Hidden may be the last moment a phone gives; pagehide covers reloads and closed tabs.
  const flushJournal = (): void => {
    if (!resetting) journal?.flush();
  };
  const handleVisibility = (): void => {
    if (document.visibilityState === 'hidden') flushJournal();
  };
  window.addEventListener('pagehide', flushJournal);
  document.addEventListener('visibilitychange', handleVisibility);
  const handleOnline = (): void => {
    if (status.state !== 'refused' && !resetting && status.localLoaded) provider.connect();
  };
  window.addEventListener('offline', handleOffline);
  window.addEventListener('online', handleOnline);
  let connectStarted = false;
  const connectOnce = (): void => {
    if (destroyed || connectStarted) return;
    connectStarted = true;
    provider.connect();
  };
  void whenLocalLoaded.then(connectOnce);
  // Nothing to load (first open on this device): no reason to wait for IndexedDB, whose
  // first open costs ~100 ms; the server sends the whole document either way.
  void Promise.all([noStoredCopy, started]).then(([none]) => {
    if (none) connectOnce();
  });
  return {
    docName,
    doc,
    status,
    awareness: provider.awareness,
    whenLocalLoaded,
    whenSynced,
    beforeRemoteChanges: (listener) => batcher.beforeApply(listener),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      window.removeEventListener('offline', handleOffline);
      window.removeEventListener('online', handleOnline);
      window.removeEventListener('pagehide', flushJournal);
      document.removeEventListener('visibilitychange', handleVisibility);
      doc.off('update', handleUpdate);
      journal?.destroy();
      stopQuietLoad();
      batcher.destroy();
      provider.destroy();
      // The awareness instance has its own timer; the provider does not own it.
      provider.awareness.destroy();
      void persistence?.destroy().catch(() => undefined);
      doc.destroy();
    }
  };
}
