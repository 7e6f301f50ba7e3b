import * as Y from 'yjs';
import { parseDocName, type DocName } from '../src/lib/shared/doc-name';
import { DomainError } from '../src/lib/shared/model/domain-error';
import { CloseCode, GENERATION_KEY, GENERATION_MAP } from '../src/lib/shared/sync-protocol';
import { defaults, type Limits } from './defaults';
import { tombstoneEstimate, type TombstoneEstimate } from './doc-copy';
import { generationOf, newGenerationId, type GenerationStore } from './generations';
import type { Logger, SyncHooks } from './hooks';
import { RebaseLeaseError, type Fanout } from './fanout/fanout';
import { Room, readStored } from './room';
import type { DocumentStorage } from './storage/types';
import { SERVER_ORIGIN, type UpdateOrigin } from './update-origin';

export { SERVER_ORIGIN, serverOrigin } from './update-origin';

/**
 * A document name that `parseDocName` refuses. A DomainError (code `bad_document_name`), so a
 * REST call that names a bad document gets its status and translated message like any other.
 */
export class DocNameError extends DomainError {
  constructor(
    readonly rawName: string,
    readonly reason: string
  ) {
    super('bad_document_name', `invalid document name (${reason})`);
    this.name = 'DocNameError';
  }
}

/** How long a client should wait before retrying after `storage_unavailable`. */
const STORAGE_RETRY_AFTER_MS = 5_000;

/**
 * Storage did not confirm a save in time; the change stays in memory and is retried. A
 * DomainError (code `storage_unavailable`) that tells REST clients when to retry.
 */
export class StorageUnavailableError extends DomainError {
  constructor(name: string) {
    super(
      'storage_unavailable',
      `saving ${name} is taking too long; the change is kept and retried`,
      { retryAfterMs: STORAGE_RETRY_AFTER_MS }
    );
    this.name = 'StorageUnavailableError';
  }
}

/**
 * A rebase that could not reach the other nodes (the fan-out bus is down): nothing was changed.
 * A DomainError (code `nodes_unreachable`, 503 with `Retry-After`).
 */
export class NodesUnreachableError extends DomainError {
  constructor(name: string) {
    super('nodes_unreachable', `rebasing ${name} needs the other nodes, which cannot be reached`, {
      retryAfterMs: STORAGE_RETRY_AFTER_MS
    });
    this.name = 'NodesUnreachableError';
  }
}

/** What a rebase did (docs/ARCHITECTURE.md, "Rebasing a document"). */
export interface RebaseResult {
  /** The new generation id (in the document's meta, see `GENERATION_KEY`). */
  generation: string;
  /** The encoded document before and after. */
  bytesBefore: number;
  bytesAfter: number;
  /** Connections closed with `CloseCode.DocumentReset`. */
  closedConnections: number;
  ms: number;
}

export interface DocStoreOptions {
  storage: DocumentStorage;
  /** Where rebases record retired generations; without it `rebase` is refused. */
  generations?: GenerationStore;
  hooks?: SyncHooks;
  limits?: Partial<Limits>;
  logger: Logger;
  /** Fan-out to other nodes (REDIS_URL); absent: this node is the only one. */
  fanout?: Fanout;
}

/**
 * The one place documents are loaded, changed and unloaded. Websocket connections and server
 * code (REST handlers, jobs) share the same rooms, so a server change reaches every connected
 * client exactly as a client's edit would: applied, stored, then broadcast.
 */
export class DocStore {
  readonly storage: DocumentStorage;
  readonly hooks: SyncHooks;
  readonly limits: Limits;
  readonly logger: Logger;
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  private readonly unloadTimers = new Map<Room, NodeJS.Timeout>();
  /** Documents being rebased: every `acquire` of one waits for its promise. */
  private readonly rebasing = new Map<string, Promise<void>>();
  /** Rebases asked on this node, one after the other per document. */
  private readonly rebaseChains = new Map<string, Promise<unknown>>();
  /** Documents held for another node's rebase (fanout.ts, `RebaseHolder`). */
  private readonly peerHolds = new Map<
    string,
    { promise: Promise<void>; finish: () => void; timer: NodeJS.Timeout }
  >();
  /** Documents whose load asked for a rebase, run once per process (with the fan-out). */
  private readonly rebasedOnLoad = new Set<string>();
  private closed = false;
  readonly generations: GenerationStore | undefined;
  readonly fanout: Fanout | undefined;

  constructor(options: DocStoreOptions) {
    this.storage = options.storage;
    this.fanout = options.fanout;
    this.generations = options.generations;
    this.hooks = options.hooks ?? {};
    this.limits = { ...defaults, ...options.limits };
    this.logger = options.logger;
    this.fanout?.onRebase({
      hold: (name, holdMs) => this.holdForPeer(name, holdMs),
      release: (name, generation) => this.peerRebased(name, generation)
    });
  }

  /** Number of documents in memory. */
  get loadedCount(): number {
    return this.rooms.size;
  }

  /** Whether a document is in memory: reading it costs no load (also for tests and metrics). */
  isLoaded(name: string): boolean {
    return this.rooms.has(name);
  }

  /** Validates a raw document name; throws DocNameError. */
  parse(rawName: string): DocName {
    const parsed = parseDocName(rawName);
    if (!parsed.ok) throw new DocNameError(rawName, parsed.reason);
    return parsed.name;
  }

  /**
   * Returns the loaded room, loading it once even under concurrent calls. The caller must
   * pair it with `release` (server code) or `detach` (connections).
   */
  async acquire(rawName: string): Promise<Room> {
    const docName = this.parse(rawName);
    for (;;) {
      if (this.closed) throw new Error('DocStore is closed');
      // A document being rebased is served again once its fresh generation is stored.
      const rebase = this.rebasing.get(rawName);
      if (rebase) {
        await rebase;
        continue;
      }
      const room = this.rooms.get(rawName) ?? (await this.load(rawName, docName));
      if (room.frozen || this.rebasing.has(rawName)) continue;
      this.cancelUnload(room);
      room.holds++;
      return room;
    }
  }

  /** Resolves once a rebase of `rawName` in progress (if any) has ended. */
  async whenNotRebasing(rawName: string): Promise<void> {
    await this.rebasing.get(rawName);
  }

  /**
   * Rebases a document: replaces it by a fresh Y.Doc with the same content and no history, a new
   * generation (docs/ARCHITECTURE.md, "Rebasing a document"). While it runs the document takes
   * no writes: its connections are closed with `CloseCode.DocumentReset` at once, and server
   * writes (`transact`) and new connections wait and then reach the fresh document. Steps:
   * everything applied is saved; `build(source, target)` copies the content into the fresh doc
   * (inside one transaction of `target`; `source` must only be read); the fresh doc gets its
   * generation id; the old state vector is recorded as retired; the fresh doc replaces the
   * stored snapshot and log (`storage.compact` through the last stored seq, so nothing older
   * survives); the room is dropped, and the next `acquire` loads the fresh doc.
   *
   * Clients holding a copy of the old generation are refused from then on (server.ts).
   *
   * With the fan-out (several nodes), the rebase runs under a lease (`Fanout.rebaseLease`):
   * every other node drops the document first, saving what it applied, and loads it again only
   * once the rebase is done; the fresh doc is built from the store, which holds every node's
   * updates. Rebases asked on one node run one after the other.
   */
  rebase(rawName: string, build: (source: Y.Doc, target: Y.Doc) => void): Promise<RebaseResult> {
    if (!this.generations) return Promise.reject(new Error('rebase needs a generation store'));
    this.parse(rawName);
    const previous = this.rebaseChains.get(rawName) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.rebaseWithLease(rawName, build));
    this.rebaseChains.set(rawName, run);
    const forget = () => {
      if (this.rebaseChains.get(rawName) === run) this.rebaseChains.delete(rawName);
    };
    run.then(forget, forget);
    return run;
  }

  private async rebaseWithLease(
    rawName: string,
    build: (source: Y.Doc, target: Y.Doc) => void
  ): Promise<RebaseResult> {
    if (!this.fanout) return this.rebaseHere(rawName, build);
    const lease = await this.fanout.rebaseLease(rawName).catch((error: unknown) => {
      if (!(error instanceof RebaseLeaseError)) throw error;
      this.logger.warn('sync: a rebase did not run', { doc: rawName, error: error.message });
      throw error.reason === 'bus_down'
        ? new NodesUnreachableError(rawName)
        : new StorageUnavailableError(rawName);
    });
    let generation: string | null = null;
    try {
      const result = await this.rebaseHere(rawName, build);
      generation = result.generation;
      return result;
    } finally {
      lease.done(generation);
    }
  }

  private async rebaseHere(
    rawName: string,
    build: (source: Y.Doc, target: Y.Doc) => void
  ): Promise<RebaseResult> {
    const room = await this.acquire(rawName);
    if (this.rebasing.has(rawName)) {
      // A rebase on load began between our acquire and now: let it finish, then run ours.
      this.release(room);
      return this.rebaseHere(rawName, build);
    }
    let finish!: () => void;
    this.rebasing.set(rawName, new Promise<void>((resolve) => (finish = resolve)));
    room.frozen = true;
    let dropRoom = false;
    try {
      const closedConnections = room.closeConnections(CloseCode.DocumentReset, 'document reset');
      return await this.rebaseRoom(room, build, closedConnections, () => {
        dropRoom = true;
      });
    } finally {
      room.holds = Math.max(0, room.holds - 1);
      if (dropRoom) {
        if (this.rooms.get(rawName) === room) this.rooms.delete(rawName);
        this.cancelUnload(room);
        this.dispose(room);
      } else {
        room.frozen = false;
        room.maybeIdle();
      }
      this.rebasing.delete(rawName);
      finish();
    }
  }

  /**
   * The steps of a rebase on a frozen room nobody writes to any more: waits until everything
   * applied is saved, copies the content into a fresh generation, records the old state vector
   * as retired and replaces the stored document. `committed` is called once the stored document
   * may have changed: from then on the room must be dropped, whatever happens.
   */
  private async rebaseRoom(
    room: Room,
    build: (source: Y.Doc, target: Y.Doc) => void,
    closedConnections: number,
    committed: () => void
  ): Promise<RebaseResult> {
    const generations = this.generations;
    if (!generations) throw new Error('rebase needs a generation store');
    const rawName = room.name;
    const started = Date.now();
    await room.whenQuiet(this.limits.saveWaitTimeoutMs).catch(() => {
      throw new StorageUnavailableError(rawName);
    });
    let source = room.doc;
    let throughSeq = room.storedSeq;
    const copy = this.fanout ? new Y.Doc({ gc: true }) : null;
    const fresh = new Y.Doc({ gc: true });
    const generation = newGenerationId();
    let snapshot: Uint8Array;
    let retiredVector: Uint8Array;
    let bytesBefore: number;
    try {
      if (copy) {
        // The other nodes saved what they held before granting the lease, but some of it may
        // not have reached this room yet: the store has every node's updates.
        const { stored } = await readStored(copy, rawName, this);
        source = copy;
        throughSeq = stored.lastSeq;
      }
      retiredVector = Y.encodeStateVector(source);
      bytesBefore = Y.encodeStateAsUpdate(source).byteLength;
      fresh.transact(() => {
        build(source, fresh);
        fresh.getMap<unknown>(GENERATION_MAP).set(GENERATION_KEY, generation);
      });
      snapshot = Y.encodeStateAsUpdate(fresh);
    } finally {
      fresh.destroy();
      copy?.destroy();
    }
    committed();
    // Recorded first: if the snapshot then fails, the record names a generation the stored
    // document does not have, and a load ignores it (generations.ts, RetiredClients).
    await generations.add(rawName, {
      generation,
      stateVector: retiredVector,
      retiredAt: started
    });
    await this.storage.compact(rawName, snapshot, throughSeq);
    const result: RebaseResult = {
      generation,
      bytesBefore,
      bytesAfter: snapshot.byteLength,
      closedConnections,
      ms: Date.now() - started
    };
    this.logger.info('sync: document rebased', { doc: rawName, ...result });
    return result;
  }

  /** What deleted content costs a loaded (or loadable) document: see `tombstoneEstimate`. */
  async tombstones(rawName: string): Promise<TombstoneEstimate & { bytes: number }> {
    return this.read(rawName, (doc) => ({
      ...tombstoneEstimate(doc),
      bytes: Y.encodeStateAsUpdate(doc).byteLength
    }));
  }

  /** Ends a hold taken by `acquire`. */
  release(room: Room): void {
    room.holds = Math.max(0, room.holds - 1);
    room.maybeIdle();
  }

  /**
   * Runs `fn` in one Yjs transaction on the document and resolves after the change is durable
   * (and therefore broadcast). `fn` must validate before it mutates: whatever it changed before
   * throwing stays changed, as in any Yjs transaction.
   */
  async transact<T>(
    rawName: string,
    fn: (doc: Y.Doc) => T,
    origin: UpdateOrigin = SERVER_ORIGIN
  ): Promise<T> {
    let room = await this.acquire(rawName);
    // A rebase may have frozen the room between `acquire` and now: write to the fresh one.
    while (room.frozen) {
      this.release(room);
      await this.whenNotRebasing(rawName);
      room = await this.acquire(rawName);
    }
    try {
      let result!: T;
      Y.transact(
        room.doc,
        () => {
          result = fn(room.doc);
        },
        origin
      );
      await this.waitSaved(room);
      return result;
    } finally {
      this.release(room);
    }
  }

  /** Reads a document (loading it if needed) without changing it. */
  async read<T>(rawName: string, fn: (doc: Y.Doc) => T): Promise<T> {
    const room = await this.acquire(rawName);
    try {
      return fn(room.doc);
    } finally {
      this.release(room);
    }
  }

  /**
   * Starts loading `rawName` soon, without waiting for it, for a client that is about to open
   * it (a page of its workspace was just requested): the load overlaps the page's own start
   * instead of following it. It begins on the next turn of the event loop, after the response
   * being prepared has gone out (loading a big document keeps the thread busy for a while).
   * Nobody coming, it is unloaded as usual (`unloadDelayMs`). A failure is only logged here;
   * the connection that follows meets and reports it.
   */
  warm(rawName: string): void {
    // `read` loads it once however many ask (a loaded one only starts its unload wait over).
    setImmediate(() => {
      this.read(rawName, () => undefined).catch((error: unknown) => {
        this.logger.debug('sync: warming a document failed', {
          doc: rawName,
          error: String(error)
        });
      });
    });
  }

  /**
   * Unloads `rawName` now when it is idle (no connection, no hold, everything saved), instead
   * of after `unloadDelayMs`: for server jobs that touch many documents once (a migration), so
   * they do not all stay in memory. Returns whether it was unloaded.
   */
  unloadIfIdle(rawName: string): boolean {
    const room = this.rooms.get(rawName);
    if (!room || !room.isIdle()) return false;
    this.cancelUnload(room);
    this.rooms.delete(rawName);
    this.dispose(room);
    return true;
  }

  /** Resolves when every loaded document has nothing unsaved. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((room) => room.whenSaved()));
  }

  /** Saves what is pending and unloads everything. */
  async close(): Promise<void> {
    this.closed = true;
    const deadline = this.limits.shutdownTimeoutMs;
    const saved = this.flushAll().then(() => true);
    const timedOut = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), deadline).unref()
    );
    if (!(await Promise.race([saved, timedOut]))) {
      this.logger.error('sync: shutdown before every update was saved', {
        docs: [...this.rooms.values()].filter((r) => !r.saved).map((r) => r.name)
      });
    }
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    for (const room of this.rooms.values()) this.dispose(room);
    this.rooms.clear();
  }

  private async waitSaved(room: Room): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StorageUnavailableError(room.name)),
        this.limits.saveWaitTimeoutMs
      );
    });
    try {
      await Promise.race([room.whenSaved(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private load(rawName: string, docName: DocName): Promise<Room> {
    const inFlight = this.loading.get(rawName);
    if (inFlight) return inFlight;
    const promise = this.loadRoom(rawName, docName).then(
      (room) => {
        this.loading.delete(rawName);
        this.rooms.set(rawName, room);
        return room;
      },
      (error: unknown) => {
        this.loading.delete(rawName);
        throw error;
      }
    );
    this.loading.set(rawName, promise);
    return promise;
  }

  private newRoom(rawName: string, docName: DocName): Room {
    return new Room(rawName, docName, {
      storage: this.storage,
      generations: this.generations,
      hooks: this.hooks,
      limits: this.limits,
      logger: this.logger,
      onIdle: (r) => this.scheduleUnload(r),
      ...(this.fanout ? { publish: this.fanout.published.bind(this.fanout) } : {})
    });
  }

  /**
   * Loads a room. When an onLoad hook asked for a rebase (an upgrade that deleted much), the
   * document is rebased before anyone sees it (nobody can hold the room yet: it is not in
   * `rooms`), and the fresh generation loaded instead; a request from that second load is
   * ignored, so a hook that always asks cannot loop.
   */
  private async loadRoom(rawName: string, docName: DocName): Promise<Room> {
    // Subscribed before the store is read: whatever another node makes durable after the read
    // began arrives on the channel and is buffered until the room is attached (fanout.ts).
    await this.fanout?.join(rawName);
    let room: Room;
    try {
      room = await this.loadGeneration(rawName, docName);
    } catch (error) {
      this.fanout?.leave(rawName);
      throw error;
    }
    this.fanout?.attach(room);
    return room;
  }

  /** `loadRoom` without the fan-out: the room, rebased first when a load hook asked. */
  private async loadGeneration(rawName: string, docName: DocName): Promise<Room> {
    const room = this.newRoom(rawName, docName);
    try {
      await room.load();
      const build = room.rebaseRequest;
      if (!build || !this.generations) return room;
      if (this.fanout) {
        // Other nodes may serve it already: rebased after the load, under a lease, like any.
        if (!this.rebasedOnLoad.has(rawName)) {
          this.rebasedOnLoad.add(rawName);
          setImmediate(() => {
            this.rebase(rawName, build).catch((error: unknown) => {
              // Asked again by the next load.
              this.rebasedOnLoad.delete(rawName);
              this.logger.error('sync: a rebase asked on load failed', {
                doc: rawName,
                error: String(error)
              });
            });
          });
        }
        return room;
      }
      room.frozen = true;
      await this.rebaseRoom(room, build, 0, () => {});
    } catch (error) {
      room.destroy();
      throw error;
    }
    room.destroy();
    const fresh = this.newRoom(rawName, docName);
    try {
      await fresh.load();
    } catch (error) {
      fresh.destroy();
      throw error;
    }
    if (fresh.rebaseRequest) {
      this.logger.warn('sync: a second rebase asked on load was ignored', { doc: rawName });
    }
    return fresh;
  }

  /**
   * Another node rebases `rawName` (fanout.ts, `RebaseHolder.hold`): loads of it wait, and a
   * loaded copy is dropped, its connections closed with `DocumentReset` and what it applied
   * saved first. Held until `peerRebased`, or `holdMs` at most. Rejects when saving failed.
   */
  private async holdForPeer(rawName: string, holdMs: number): Promise<void> {
    const held = this.peerHolds.get(rawName);
    if (held) {
      clearTimeout(held.timer);
      held.timer = this.peerHoldTimer(rawName, holdMs);
    } else {
      let finish!: () => void;
      const promise = new Promise<void>((resolve) => (finish = resolve));
      this.peerHolds.set(rawName, { promise, finish, timer: this.peerHoldTimer(rawName, holdMs) });
      const before = this.rebasing.get(rawName);
      this.rebasing.set(rawName, before ? before.then(() => promise) : promise);
    }
    try {
      await this.dropForRebase(rawName);
    } catch (error) {
      this.endPeerHold(rawName);
      throw error;
    }
  }

  private peerHoldTimer(rawName: string, holdMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.logger.warn('sync: a rebase on another node did not end in time; loading again', {
        doc: rawName
      });
      this.endPeerHold(rawName);
    }, holdMs);
    timer.unref();
    return timer;
  }

  private endPeerHold(rawName: string): void {
    const held = this.peerHolds.get(rawName);
    if (!held) return;
    clearTimeout(held.timer);
    this.peerHolds.delete(rawName);
    this.rebasing.delete(rawName);
    held.finish();
  }

  /**
   * Another node's rebase of `rawName` ended: loads go on. A copy loaded meanwhile (this node
   * was not asked: it started during the rebase) is of the old generation, and is dropped too.
   */
  private peerRebased(rawName: string, generation: string | null): void {
    this.endPeerHold(rawName);
    const room = this.rooms.get(rawName);
    if (!room || !generation || generationOf(room.doc) === generation) return;
    this.logger.warn("sync: dropping a copy from before another node's rebase", { doc: rawName });
    this.dropForRebase(rawName).catch((error: unknown) => {
      this.logger.error('sync: dropping a copy from before a rebase failed', {
        doc: rawName,
        error: String(error)
      });
    });
  }

  /** Closes a loaded document's connections (`DocumentReset`), saves it and unloads it. */
  private async dropForRebase(rawName: string): Promise<void> {
    const room = this.rooms.get(rawName) ?? (await this.loading.get(rawName)?.catch(() => null));
    if (!room || room.frozen) return;
    room.frozen = true;
    room.closeConnections(CloseCode.DocumentReset, 'document reset');
    try {
      await room.whenQuiet(this.limits.saveWaitTimeoutMs);
    } catch {
      room.frozen = false;
      throw new StorageUnavailableError(rawName);
    }
    if (this.rooms.get(rawName) === room) this.rooms.delete(rawName);
    this.cancelUnload(room);
    this.dispose(room);
  }

  /** Frees a room that is no longer in `rooms`, and stops its fan-out. */
  private dispose(room: Room): void {
    this.fanout?.leave(room.name, room);
    room.destroy();
  }

  private scheduleUnload(room: Room): void {
    if (this.unloadTimers.has(room) || this.closed) return;
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room);
      if (!room.isIdle() || this.rooms.get(room.name) !== room) return;
      this.rooms.delete(room.name);
      this.dispose(room);
      this.logger.debug('sync: unloaded', { doc: room.name });
    }, this.limits.unloadDelayMs);
    timer.unref();
    this.unloadTimers.set(room, timer);
  }

  private cancelUnload(room: Room): void {
    const timer = this.unloadTimers.get(room);
    if (timer) {
      clearTimeout(timer);
      this.unloadTimers.delete(room);
    }
  }
}
