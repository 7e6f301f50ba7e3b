/**
 * Applies the remote edits a provider receives in batches, one Yjs transaction per batch, paced
 * by how long applying the last batch took.
 *
 * Every applied transaction runs the document's observers once. For a runbook that means the
 * editor binding (@tiptap/y-tiptap) rebuilding the ProseMirror document from the whole shared
 * fragment, tens of ms for a 50-page runbook. Five people typing send ~50 updates a second:
 * applied one by one they took the whole main thread, the page's own typing lagged and it fell
 * seconds behind (bench/README.md, runbooks (c)). Batched, the rebuild runs once per batch and
 * the next batch waits at least twice as long as this one took, so remote edits take at most
 * about a third of the main thread and appear a little later and together instead.
 *
 * Only plain updates are batched. Sync steps 1 and 2 (the handshake) flush what is queued and
 * are handled by y-websocket's own handler at once, so `synced` means what it always meant.
 *
 * Right before remote edits are applied (a batch, or a sync step 2), outside any transaction,
 * the `beforeApply` listeners run: an editor uses them to read what the browser changed that it
 * has not read yet (see `readPendingInput` in the runbook editor). The editor binding restores
 * the caret from the editor's own state after applying, so that state must be current then.
 */
import * as decoding from 'lib0/decoding';
import type * as encoding from 'lib0/encoding';
import { messageYjsSyncStep2, messageYjsUpdate } from 'y-protocols/sync';
import { messageSync, type WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** Shortest pause between two batches (ms). */
export const MIN_BATCH_GAP_MS = 20;
/** Longest pause, however slow the last batch was (ms). */
export const MAX_BATCH_GAP_MS = 1_000;

export interface RemoteBatcher {
  /** Applies what is queued now (e.g. before the connection closes). */
  flush(): void;
  /** Updates received and not applied yet. */
  readonly queued: number;
  /**
   * Calls `listener` right before remote edits are applied, outside any Yjs transaction (so
   * edits it makes are local ones); returns the function that removes it.
   */
  beforeApply(listener: () => void): () => void;
  /** Puts y-websocket's own handler back and applies what is queued. */
  destroy(): void;
}

type SyncHandler = WebsocketProvider['messageHandlers'][number];

/**
 * Replaces `provider`'s sync message handler with a batching one. `now` and `schedule` are the
 * clock and timer (tests pass their own).
 */
export function batchRemoteUpdates(
  provider: WebsocketProvider,
  clock: {
    now: () => number;
    schedule: (run: () => void, ms: number) => () => void;
  } = {
    now: () => performance.now(),
    schedule: (run, ms) => {
      const timer = setTimeout(run, ms);
      return () => clearTimeout(timer);
    }
  }
): RemoteBatcher {
  const doc = provider.doc;
  const original = provider.messageHandlers[messageSync];
  if (original === undefined) throw new Error('y-websocket has no sync message handler');
  let queue: Uint8Array[] = [];
  let cancelTimer: (() => void) | null = null;
  /** When the next batch may run (clock ms). */
  let notBefore = 0;
  const listeners = new Set<() => void>();

  const runBeforeApply = (): void => {
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        // A failing listener must not keep remote edits out.
        console.error('Caught error before applying remote updates', error);
      }
    }
  };

  const flush = (): void => {
    cancelTimer?.();
    cancelTimer = null;
    if (queue.length === 0) return;
    runBeforeApply();
    // A listener's edit is sent, not queued; the queue is only taken now.
    const batch = queue;
    queue = [];
    const started = clock.now();
    doc.transact(() => {
      for (const update of batch) {
        try {
          Y.applyUpdate(doc, update, provider);
        } catch (error) {
          // As y-protocols does for a single update: one bad update must not drop the rest.
          console.error('Caught error while handling a Yjs update', error);
        }
      }
    }, provider);
    const took = clock.now() - started;
    notBefore = clock.now() + Math.min(MAX_BATCH_GAP_MS, Math.max(MIN_BATCH_GAP_MS, 2 * took));
  };

  const handler: SyncHandler = (
    encoder: encoding.Encoder,
    decoder: decoding.Decoder,
    target: WebsocketProvider,
    emitSynced: boolean,
    messageType: number
  ) => {
    // Peek at the sync message's type without consuming it from `decoder`.
    const peek = decoding.clone(decoder);
    const syncType = decoding.readVarUint(peek);
    if (syncType !== messageYjsUpdate) {
      flush();
      // Step 2 carries the edits this copy lacks (on every reconnect, maybe many).
      if (syncType === messageYjsSyncStep2) runBeforeApply();
      original(encoder, decoder, target, emitSynced, messageType);
      return;
    }
    queue.push(decoding.readVarUint8Array(peek));
    decoder.pos = peek.pos;
    if (cancelTimer !== null) return;
    const wait = notBefore - clock.now();
    if (wait <= 0) flush();
    else cancelTimer = clock.schedule(flush, wait);
  };
  provider.messageHandlers[messageSync] = handler;

  return {
    flush,
    get queued() {
      return queue.length;
    },
    beforeApply(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    destroy() {
      if (provider.messageHandlers[messageSync] === handler) {
        provider.messageHandlers[messageSync] = original;
      }
      flush();
      listeners.clear();
    }
  };
}
