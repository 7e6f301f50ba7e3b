/**
 * Opens one shared document in the browser: a `Y.Doc`, its offline copy in IndexedDB
 * (`y-indexeddb`) and the stock `y-websocket` provider on `ws(s)://<host>/sync/<docName>`.
 * Edits are applied to the local doc first, so they work offline and reach the server when
 * the connection comes back (the provider resyncs by state vector on every connect).
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { parseDocName } from '$lib/shared/doc-name';
import { SYNC_PATH_PREFIX, closeCodeName, isRetryableClose } from '$lib/shared/sync-protocol';
import { SyncStatus, type SyncError } from './sync-status.svelte';
import { UnsavedJournal, replayJournals, type JournalStorage } from './unsaved-journal';
import { batchRemoteUpdates } from './remote-batching';

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
function writesCommitted(persistence: IndexeddbPersistence): Promise<void> {
  return new Promise((resolve, reject) => {
    const db = persistence.db;
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
}

export interface DocConnection {
  readonly docName: string;
  readonly doc: Y.Doc;
  readonly status: SyncStatus;
  /** Who else has the document open (the provider's awareness; see presence.svelte.ts). */
  readonly awareness: Awareness;
  /** Resolves once the offline copy is loaded into `doc` (at once without one). */
  readonly whenLocalLoaded: Promise<void>;
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
  // Asked before the persistence below opens (and so creates) the document's database.
  const noStoredCopy =
    options.offlineCopy === false ? Promise.resolve(false) : noCopyStored(docName);
  const persistence = options.offlineCopy === false ? null : new IndexeddbPersistence(docName, doc);
  // Edits made offline before a reload are still waiting (they are in IndexedDB); so is their
  // count, until the next completed sync. Without an offline copy a reload loses both.
  const pendingKey = persistence === null ? null : pendingStorageKey(docName);
  if (pendingKey !== null) status.pendingLocalChanges = loadPending(pendingKey);
  const whenLocalLoaded: Promise<void> =
    persistence === null
      ? Promise.resolve()
      : persistence.whenSynced.then(
          () => undefined,
          () => undefined
        );
  if (persistence === null) status.localLoaded = true;
  else void whenLocalLoaded.then(() => (status.localLoaded = true));
  let destroyed = false;
  // Edits the last page typed just before it went, which IndexedDB had not committed.
  const storage = persistence === null ? null : browserStorage();
  const journal =
    persistence === null || storage === null
      ? null
      : new UnsavedJournal({ docName, storage, committed: () => writesCommitted(persistence) });
  if (storage !== null) {
    void whenLocalLoaded.then(() => {
      if (!destroyed) replayJournals(doc, docName, storage, JOURNAL_ORIGIN);
    });
  }

  const provider = new WebsocketProvider(options.wsBaseUrl ?? syncBaseUrl(), docName, doc, {
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
  provider.on('closed', ({ code, reason }) => {
    const error: SyncError = { code, name: closeCodeName(code), reason };
    status.state = 'refused';
    status.synced = false;
    status.lastError = error;
    console.warn(`sync: ${docName} refused by the server (${code} ${error.name}) ${reason}`);
    options.onRefused?.(error);
  });
  provider.on('sync', (isSynced) => {
    status.synced = isSynced;
    if (isSynced) {
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
  const flushJournal = (): void => journal?.flush();
  const handleVisibility = (): void => {
    if (document.visibilityState === 'hidden') flushJournal();
  };
  window.addEventListener('pagehide', flushJournal);
  document.addEventListener('visibilitychange', handleVisibility);
  const handleOnline = (): void => {
    if (status.state !== 'refused' && status.localLoaded) provider.connect();
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
  void noStoredCopy.then((none) => {
    if (none) connectOnce();
  });
  return {
    docName,
    doc,
    status,
    awareness: provider.awareness,
    whenLocalLoaded,
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
      batcher.destroy();
      provider.destroy();
      // The awareness instance has its own timer; the provider does not own it.
      provider.awareness.destroy();
      void persistence?.destroy().catch(() => undefined);
      doc.destroy();
    }
  };
}
