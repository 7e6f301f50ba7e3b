import * as Y from 'yjs';
import { parseDocName, type DocName } from '../src/lib/shared/doc-name';
import { DomainError } from '../src/lib/shared/model/domain-error';
import { defaults, type Limits } from './defaults';
import type { Logger, SyncHooks } from './hooks';
import { Room } from './room';
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

export interface DocStoreOptions {
  storage: DocumentStorage;
  hooks?: SyncHooks;
  limits?: Partial<Limits>;
  logger: Logger;
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
  private closed = false;

  constructor(options: DocStoreOptions) {
    this.storage = options.storage;
    this.hooks = options.hooks ?? {};
    this.limits = { ...defaults, ...options.limits };
    this.logger = options.logger;
  }

  /** Number of documents in memory. */
  get loadedCount(): number {
    return this.rooms.size;
  }

  /** Whether a document is in memory (for tests and metrics). */
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
    if (this.closed) throw new Error('DocStore is closed');
    const docName = this.parse(rawName);
    const room = this.rooms.get(rawName) ?? (await this.load(rawName, docName));
    this.cancelUnload(room);
    room.holds++;
    return room;
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
    const room = await this.acquire(rawName);
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
   * Unloads `rawName` now when it is idle (no connection, no hold, everything saved), instead
   * of after `unloadDelayMs`: for server jobs that touch many documents once (a migration), so
   * they do not all stay in memory. Returns whether it was unloaded.
   */
  unloadIfIdle(rawName: string): boolean {
    const room = this.rooms.get(rawName);
    if (!room || !room.isIdle()) return false;
    this.cancelUnload(room);
    this.rooms.delete(rawName);
    room.destroy();
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
    for (const room of this.rooms.values()) room.destroy();
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
    const room = new Room(rawName, docName, {
      storage: this.storage,
      hooks: this.hooks,
      limits: this.limits,
      logger: this.logger,
      onIdle: (r) => this.scheduleUnload(r)
    });
    const promise = room.load().then(
      () => {
        this.loading.delete(rawName);
        this.rooms.set(rawName, room);
        return room;
      },
      (error: unknown) => {
        this.loading.delete(rawName);
        room.destroy();
        throw error;
      }
    );
    this.loading.set(rawName, promise);
    return promise;
  }

  private scheduleUnload(room: Room): void {
    if (this.unloadTimers.has(room) || this.closed) return;
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room);
      if (!room.isIdle() || this.rooms.get(room.name) !== room) return;
      this.rooms.delete(room.name);
      room.destroy();
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
