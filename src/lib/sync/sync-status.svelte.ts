/**
 * The state of one document's connection, as rune state for the UI. `connect-doc.ts` writes
 * it from the provider's events; components only read it.
 */
import { closeCodeName, type CloseCodeName } from '$lib/shared/sync-protocol';

/**
 * - `connecting`: the first connection attempt is under way.
 * - `online`: the websocket is open (see `synced` for whether the first exchange finished).
 * - `offline`: no connection; local edits are kept (IndexedDB) and retried in the background.
 * - `refused`: the server closed with a code that reconnecting cannot fix; no more retries.
 */
export type SyncState = 'connecting' | 'online' | 'offline' | 'refused';

/** Why the last connection ended, when it did not end normally. */
export interface SyncError {
  /** The websocket close code (1006 when the connection dropped without one). */
  code: number;
  /** Name of the close code from `sync-protocol.ts`, or 'Unknown'. */
  name: CloseCodeName | 'Unknown';
  /** The server's close reason, possibly empty. */
  reason: string;
}

/** Connection state of one document. */
export class SyncStatus {
  state = $state<SyncState>('connecting');
  /** True once the server and this client have exchanged what the other was missing. */
  synced = $state(false);
  /**
   * Local updates made while not connected and synced; reset when a sync completes. Kept in
   * localStorage by `connect-doc.ts`, so a reload while offline still shows them.
   */
  pendingLocalChanges = $state(0);
  /** Set when a connection ends abnormally; cleared by the next successful sync. */
  lastError = $state<SyncError | null>(null);
  /** True once the offline copy (IndexedDB) has been loaded into the document. */
  localLoaded = $state(false);
  /**
   * True while the document is being reset after a rebase on the server: the page saves its
   * unsynced changes, drops its copy and reloads (connect-doc.ts).
   */
  resetting = $state(false);

  /** Records a close event as `lastError`, unless it was a clean close. */
  recordClose(code: number, reason: string): void {
    if (code === 1000) return;
    this.lastError = { code, name: closeCodeName(code), reason };
  }
}
