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

  const provider = new WebsocketProvider(options.wsBaseUrl ?? syncBaseUrl(), docName, doc, {
    // Same rule as y-websocket's default (44xx is final), named in one place so the UI can
    // tell a refusal (4401/4403) from a transient close (4009 access changed, 4008 idle).
    shouldReconnect: (event) => isRetryableClose(event.code),
    // Connected once the offline copy is in the doc (below): the first sync step then sends
    // the local state vector, so the server sends only what this device lacks instead of the
    // whole document, and the copy loaded from IndexedDB is not posted to every other tab
    // over the provider's BroadcastChannel (16 MB and ~0.6 s on a 10,000-task board).
    connect: false
  });

  provider.on('status', ({ status: next }) => {
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

  const handleUpdate = (_update: Uint8Array, origin: unknown): void => {
    // Remote updates arrive with the provider as origin, the offline copy with the
    // persistence; everything else was made here.
    if (origin === provider || (persistence !== null && origin === persistence)) return;
    if (!(provider.wsconnected && provider.synced)) {
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
  let destroyed = false;
  const handleOnline = (): void => {
    if (status.state !== 'refused' && status.localLoaded) provider.connect();
  };
  window.addEventListener('offline', handleOffline);
  window.addEventListener('online', handleOnline);
  void whenLocalLoaded.then(() => {
    if (!destroyed) provider.connect();
  });
  return {
    docName,
    doc,
    status,
    awareness: provider.awareness,
    whenLocalLoaded,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      window.removeEventListener('offline', handleOffline);
      window.removeEventListener('online', handleOnline);
      doc.off('update', handleUpdate);
      provider.destroy();
      // The awareness instance has its own timer; the provider does not own it.
      provider.awareness.destroy();
      void persistence?.destroy().catch(() => undefined);
      doc.destroy();
    }
  };
}
