import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { DocName } from '../src/lib/shared/doc-name';
import type { CloseCodeValue } from '../src/lib/shared/sync-protocol';
import type { Limits } from './defaults';
import { RetiredClients, generationOf, type GenerationStore } from './generations';
import type { Grant, Logger, SyncHooks } from './hooks';
import { encodeAwarenessMessage, encodeUpdateMessage } from './messages';
import type { DocumentStorage, StoredDocument } from './storage/types';
import { isSentTo, isStoredHere, toUpdateOrigin, type UpdateOrigin } from './update-origin';

/** What a room needs of a connection. */
export interface RoomConnection {
  /** Queues a binary message; never throws. */
  send(message: Uint8Array): void;
  /** Queues several messages in order, written together (one syscall); never throws. */
  sendAll(messages: readonly Uint8Array[]): void;
  /** Awareness client ids this connection controls (removed when it leaves). */
  readonly awarenessIds: Set<number>;
  /** What the connection was granted (who is behind it); absent for connections of tests. */
  readonly grant?: Grant;
  /** Closes the connection with `code` (a rebase closes every connection of the document). */
  close?(code: CloseCodeValue, reason: string): void;
}

interface PendingUpdate {
  update: Uint8Array;
  origin: UpdateOrigin;
  generation: number;
}

type RoomDeps = {
  storage: DocumentStorage;
  /** Retired generations (absent: the document can never have been rebased here). */
  generations?: GenerationStore;
  hooks: SyncHooks;
  limits: Limits;
  logger: Logger;
  onIdle: (room: Room) => void;
  /** Tells the other nodes of updates made durable here (fanout/fanout.ts); absent: one node. */
  publish?: (name: string, updates: readonly Uint8Array[]) => void;
};

/**
 * One loaded document: the Y.Doc, its awareness, its connections and its write pipeline.
 *
 * Write pipeline (docs/design.md §5): an update is applied to the Y.Doc at once, queued, appended
 * to storage in one batch per event-loop turn, and only then broadcast. So whatever a client
 * has received from the server is durable. A failed append keeps the batch queued and retries
 * with backoff; broadcasts wait, nothing is dropped, and the room is not unloaded meanwhile.
 * What happens to an update depends on its `UpdateOrigin` (update-origin.ts): a peer node's
 * update is already durable there, so it skips the queue and goes straight to local clients.
 */
export class Room {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly connections = new Set<RoomConnection>();
  /** Server-side holders (DocStore.transact and friends). */
  holds = 0;
  /** Update bytes held: snapshot plus log since load; bounded by `maxDocumentBytes`. */
  bytesHeld = 0;
  /**
   * Set when a rebase starts: nothing may change this doc any more (connections are closed,
   * server writes wait for the fresh room). The DocStore drops the room when the rebase ends.
   */
  frozen = false;
  /** Clients of generations retired by earlier rebases (generations.ts); read once on load. */
  retired = new RetiredClients([], null);
  /** Updates logged since the last snapshot (drives compaction). */
  private logCount = 0;
  private logBytes = 0;
  private lastSeq = 0;
  private pending: PendingUpdate[] = [];
  private appliedGeneration = 0;
  private savedGeneration = 0;
  private flushScheduled = false;
  private flushing = false;
  private compacting = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private saveWaiters: { generation: number; resolve: () => void }[] = [];
  private destroyed = false;

  constructor(
    readonly name: string,
    readonly docName: DocName,
    private readonly deps: RoomDeps
  ) {
    this.doc = new Y.Doc({ gc: true });
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
  }

  /** Loads stored state into the doc, then starts listening for changes. */
  async load(): Promise<void> {
    const { stored, retired } = await readStored(this.doc, this.name, this.deps);
    this.retired = retired;
    this.lastSeq = stored.lastSeq;
    this.logCount = stored.updates.length;
    this.logBytes = stored.updates.reduce((sum, u) => sum + u.byteLength, 0);
    this.bytesHeld = (stored.snapshot?.byteLength ?? 0) + this.logBytes;
    this.doc.on('update', this.handleDocUpdate);
    this.awareness.on('update', this.handleAwarenessUpdate);
    await this.deps.hooks.onLoad?.({
      name: this.name,
      docName: this.docName,
      doc: this.doc,
      requestRebase: (build) => {
        this.rebaseRequest = build;
      }
    });
    this.maybeCompact();
  }

  /** Set by an onLoad hook that asked for a rebase before the document is served (hooks.ts). */
  rebaseRequest: ((source: Y.Doc, target: Y.Doc) => void) | null = null;

  /** Sequence number of the last update durable in storage (what a rebase compacts through). */
  get storedSeq(): number {
    return this.lastSeq;
  }

  /**
   * Resolves when nothing is queued, written, retried or compacted; rejects after `timeoutMs`.
   * Used by a rebase on a frozen room, where nothing new can arrive.
   */
  async whenQuiet(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.saved || this.retryTimer !== null || this.compacting) {
      if (Date.now() > deadline) throw new Error(`${this.name} did not finish saving`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Closes every connection with `code`; returns how many. */
  closeConnections(code: CloseCodeValue, reason: string): number {
    let closed = 0;
    for (const conn of this.connections) {
      if (conn.close) {
        conn.close(code, reason);
        closed++;
      }
    }
    return closed;
  }

  /** True when nothing is queued or being written. */
  get saved(): boolean {
    return this.pending.length === 0 && !this.flushing;
  }

  /** Resolves once every update applied so far is durable. */
  whenSaved(): Promise<void> {
    const generation = this.appliedGeneration;
    if (this.savedGeneration >= generation) return Promise.resolve();
    return new Promise((resolve) => this.saveWaiters.push({ generation, resolve }));
  }

  /**
   * What a peer holding `stateVector` lacks, resolved once all of it is durable: the answer to a
   * sync step 1 (a client's, or another node's), since whatever anyone has seen must be stored
   * (docs/design.md §5). Encoded now, not when saved: by then more updates may be queued, not
   * yet stored; those reach the peer by broadcast once they are.
   */
  async durableDiff(stateVector: Uint8Array): Promise<Uint8Array> {
    const diff = Y.encodeStateAsUpdate(this.doc, stateVector);
    await this.whenSaved();
    return diff;
  }

  /**
   * Applies `update` to the document as coming from `origin` (a client's update, or a peer
   * node's relayed one); the room's `update` handler then stores and broadcasts it as that
   * origin requires. The update must have passed `assertValidUpdate`.
   */
  applyUpdate(update: Uint8Array, origin: UpdateOrigin): void {
    if (this.frozen) throw new Error(`${this.name} is being rebased`);
    this.deps.hooks.onApply?.({
      name: this.name,
      docName: this.docName,
      doc: this.doc,
      update,
      origin
    });
    Y.applyUpdate(this.doc, update, origin);
  }

  private readonly handleDocUpdate = (update: Uint8Array, transactionOrigin: unknown): void => {
    const origin = toUpdateOrigin(transactionOrigin);
    this.bytesHeld += update.byteLength;
    this.deps.hooks.onChange?.({
      name: this.name,
      docName: this.docName,
      doc: this.doc,
      update,
      origin
    });
    if (!isStoredHere(origin)) {
      // Durable on the node it came from: nothing to wait for, nothing to append here.
      this.broadcast([{ update, origin, generation: this.appliedGeneration }]);
      return;
    }
    const generation = ++this.appliedGeneration;
    this.pending.push({ update, origin, generation });
    this.scheduleFlush();
  };

  private readonly handleAwarenessUpdate = (
    change: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown
  ): void => {
    const connection = origin as RoomConnection | null;
    if (connection && this.connections.has(connection)) {
      for (const id of change.added) connection.awarenessIds.add(id);
      for (const id of change.removed) connection.awarenessIds.delete(id);
    }
    const changed = change.added.concat(change.updated, change.removed);
    const message = encodeAwarenessMessage(
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)
    );
    // Awareness goes to every connection, the sender included: the stock y-websocket client
    // counts that echo as liveness and reconnects after 30 s without any message.
    for (const conn of this.connections) conn.send(message);
  };

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing || this.retryTimer || this.destroyed) return;
    this.flushScheduled = true;
    setImmediate(this.flush);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.pending.length === 0 || this.flushing || this.destroyed) return;
    const batch = this.pending;
    this.pending = [];
    this.flushing = true;
    const updates = batch.map((p) => p.update);
    this.deps.storage.append(this.name, updates).then(
      (lastSeq) => {
        this.flushing = false;
        this.failures = 0;
        this.lastSeq = lastSeq;
        this.logCount += batch.length;
        for (const u of updates) this.logBytes += u.byteLength;
        this.deps.hooks.onStore?.({ name: this.name, updates, lastSeq });
        // Published only once durable: a peer node never relays what could still be lost here.
        this.deps.publish?.(this.name, updates);
        this.broadcast(batch);
        this.markSaved(batch.at(-1)!.generation);
        if (this.pending.length > 0) this.scheduleFlush();
        // Also while more is queued: under a steady burst the queue is never empty (always so on
        // PostgreSQL, where an append takes longer than a turn), and the log would grow until
        // the burst ends. Compacting through `lastSeq` is safe with updates still queued.
        this.maybeCompact();
        this.maybeIdle();
      },
      (error: unknown) => {
        this.flushing = false;
        // Keep the batch, in order, ahead of anything that arrived meanwhile, and retry.
        this.pending = batch.concat(this.pending);
        this.failures++;
        const delay = Math.min(
          this.deps.limits.saveRetryBaseMs * 2 ** (this.failures - 1),
          this.deps.limits.saveRetryMaxMs
        );
        this.deps.logger.error('sync: saving updates failed; will retry', {
          doc: this.name,
          updates: this.pending.length,
          attempt: this.failures,
          retryInMs: delay,
          error: String(error)
        });
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.scheduleFlush();
        }, delay);
      }
    );
  };

  /**
   * Sends a batch to every connection that should get it, connection by connection: each one
   * gets its share of the batch in one write. Under load a batch holds every update of an
   * event-loop turn, so fan-out costs one syscall per connection and turn instead of one per
   * connection and update (the kernel write was most of the server's CPU in the ramp).
   */
  private broadcast(batch: readonly PendingUpdate[]): void {
    if (this.connections.size === 0) return;
    const messages = batch.map(({ update }) => encodeUpdateMessage(update));
    if (batch.length === 1) {
      const { origin } = batch[0]!;
      for (const conn of this.connections) {
        if (isSentTo(origin, conn)) conn.send(messages[0]!);
      }
      return;
    }
    for (const conn of this.connections) {
      conn.sendAll(messages.filter((_, i) => isSentTo(batch[i]!.origin, conn)));
    }
  }

  private markSaved(generation: number): void {
    this.savedGeneration = generation;
    if (this.saveWaiters.length === 0) return;
    const still: typeof this.saveWaiters = [];
    for (const waiter of this.saveWaiters) {
      if (waiter.generation <= generation) waiter.resolve();
      else still.push(waiter);
    }
    this.saveWaiters = still;
  }

  /**
   * Compacts the log into a snapshot when it grows past the limits. Safe under concurrent
   * writes: every update with seq ≤ `throughSeq` was applied to the doc before it was
   * appended, so the snapshot (taken later) contains it; updates appended after `throughSeq`
   * stay in the log and are re-applied (idempotently) on the next load. Updates still queued
   * are in the doc too, so the snapshot may hold more than `throughSeq`: never less.
   */
  private maybeCompact(): void {
    const { compactAfterUpdates, compactAfterBytes } = this.deps.limits;
    if (this.compacting || this.destroyed) return;
    if (this.logCount < compactAfterUpdates && this.logBytes < compactAfterBytes) return;
    this.compacting = true;
    const throughSeq = this.lastSeq;
    const countAtStart = this.logCount;
    const bytesAtStart = this.logBytes;
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    this.deps.storage.compact(this.name, snapshot, throughSeq).then(
      () => {
        this.compacting = false;
        this.logCount -= countAtStart;
        this.logBytes -= bytesAtStart;
        this.bytesHeld = snapshot.byteLength + this.logBytes;
        this.maybeIdle();
      },
      (error: unknown) => {
        this.compacting = false;
        this.deps.logger.warn('sync: compaction failed; the log is kept', {
          doc: this.name,
          error: String(error)
        });
        this.maybeIdle();
      }
    );
  }

  /** Tells the DocStore when the room has no users and nothing in flight. */
  maybeIdle(): void {
    if (this.isIdle()) this.deps.onIdle(this);
  }

  /** No connections, no holders, nothing unsaved, no compaction running. */
  isIdle(): boolean {
    return (
      !this.destroyed &&
      this.connections.size === 0 &&
      this.holds === 0 &&
      this.saved &&
      !this.retryTimer &&
      !this.compacting
    );
  }

  /** Adds a connection (after authentication). */
  addConnection(conn: RoomConnection): void {
    this.connections.add(conn);
  }

  /** Removes a connection and the awareness states it controlled. */
  removeConnection(conn: RoomConnection): void {
    if (!this.connections.delete(conn)) return;
    if (conn.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessIds], null);
    }
    this.maybeIdle();
  }

  /** Frees the doc; only called by the DocStore on an idle room. */
  destroy(): void {
    this.destroyed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.doc.off('update', this.handleDocUpdate);
    this.awareness.off('update', this.handleAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/**
 * Reads the stored document `name` into `doc` (snapshot, then log) and returns what was read
 * with the clients its rebases retired. An update in the log from a retired client is skipped:
 * only a node that missed a rebase (docs/ARCHITECTURE.md, "Rebasing a document") can have
 * appended one, and applying it would mix the old generation into the fresh one.
 */
export async function readStored(
  doc: Y.Doc,
  name: string,
  deps: Pick<RoomDeps, 'storage' | 'generations' | 'logger'>
): Promise<{ stored: StoredDocument; retired: RetiredClients }> {
  const [stored, generations] = await Promise.all([
    deps.storage.load(name),
    deps.generations?.list(name) ?? Promise.resolve([])
  ]);
  let retired = new RetiredClients([], null);
  let skipped = 0;
  Y.transact(doc, () => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    if (generations.length > 0) {
      // The generation is set by a rebase's snapshot only, never by an update in the log.
      const current = generationOf(doc);
      retired = new RetiredClients(generations, current);
      if (generations.at(-1)!.generation !== current) {
        deps.logger.warn('sync: the last rebase of this document did not complete', {
          doc: name,
          generation: generations.at(-1)!.generation
        });
      }
    }
    for (const update of stored.updates) {
      if (retired.size > 0 && retired.inUpdate(Y.decodeUpdate(update))) skipped++;
      else Y.applyUpdate(doc, update);
    }
  });
  if (skipped > 0) {
    deps.logger.warn('sync: skipped stored updates from before a rebase', {
      doc: name,
      updates: skipped
    });
  }
  return { stored, retired };
}
