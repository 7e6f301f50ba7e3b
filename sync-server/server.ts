import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import * as awarenessProtocol from 'y-protocols/awareness';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { parseDocName, type DocName } from '../src/lib/shared/doc-name';
import {
  CloseCode,
  SYNC_PATH_PREFIX,
  closeCodeName,
  type CloseCodeValue
} from '../src/lib/shared/sync-protocol';
import type { DocStore } from './doc-store';
import { SyncAccessError, type Grant, type Logger, type SyncHooks } from './hooks';
import {
  MalformedMessageError,
  assertValidUpdate,
  decodeMessage,
  encodeAwarenessMessage,
  encodeSyncStep1,
  encodeSyncStep2
} from './messages';
import type { Room, RoomConnection } from './room';
import { clientOrigin } from './update-origin';

export interface SyncServerOptions {
  docStore: DocStore;
  /** Authentication and disconnect hooks; load/store/change hooks live on the DocStore. */
  hooks?: Pick<SyncHooks, 'onAuthenticate' | 'onDisconnect'>;
  logger: Logger;
}

/** Connections checked by `recheck` between two turns of the event loop. */
const RECHECK_BATCH = 50;

/**
 * The connection behind each open websocket. The socket event handlers below are shared by all
 * connections and find theirs here: one set of closures per socket cost ~0.3 KB a connection.
 */
const connectionOf = new WeakMap<WebSocket, Connection>();

function handleSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const conn = connectionOf.get(this);
  if (conn) {
    conn.server.messagesIn += 1;
    conn.server.receive(conn, data, isBinary);
  }
}

function handleSocketPong(this: WebSocket): void {
  const conn = connectionOf.get(this);
  if (conn) conn.lastSeenAt = Date.now();
}

function handleSocketError(this: WebSocket, error: Error): void {
  const conn = connectionOf.get(this);
  conn?.server.logger.debug('sync: websocket error', { doc: conn.rawName, error: String(error) });
}

function handleSocketClose(this: WebSocket, code: number): void {
  const conn = connectionOf.get(this);
  if (conn) conn.server.handleClose(conn, code);
}

/** One websocket bound to one document. */
class Connection implements RoomConnection {
  private ownAwarenessIds: Set<number> | null = null;
  room: Room | null = null;
  /** Frames received while the room was loading, replayed in order once it is ready. */
  queue: Buffer[] | null = [];
  lastSeenAt = Date.now();
  closed = false;
  /** Whether the peer's first sync step 1 was checked against the retired generations. */
  checkedStateVector = false;

  constructor(
    readonly ws: WebSocket,
    /** The TCP socket under `ws`, corked around a batch so its frames go out in one write. */
    private readonly socket: Duplex,
    readonly rawName: string,
    readonly grant: Grant,
    readonly server: SyncServer
  ) {}

  /** Created on first use: most connections never own an awareness state on the server. */
  get awarenessIds(): Set<number> {
    this.ownAwarenessIds ??= new Set();
    return this.ownAwarenessIds;
  }

  send(message: Uint8Array): void {
    if (!this.canSend()) return;
    this.server.messagesOut += 1;
    this.ws.send(message);
  }

  sendAll(messages: readonly Uint8Array[]): void {
    if (messages.length === 0 || !this.canSend()) return;
    // ws corks and uncorks around each frame; the outer cork holds them all until the end.
    this.socket.cork();
    try {
      for (const message of messages) this.ws.send(message);
      this.server.messagesOut += messages.length;
    } finally {
      this.socket.uncork();
    }
  }

  private canSend(): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    if (this.ws.bufferedAmount > this.server.docStore.limits.maxBufferedBytes) {
      this.close(CloseCode.SlowConsumer, 'send buffer full');
      return false;
    }
    return true;
  }

  close(code: CloseCodeValue, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
    // A dead peer never answers the close frame; do not wait for it.
    setTimeout(() => this.ws.terminate(), 5_000).unref();
  }
}

/**
 * The websocket side of sync: authenticates upgrades to `/sync/<docName>`, binds each socket
 * to a room of the DocStore, and speaks the y-websocket protocol (sync step 1/2, updates,
 * awareness, query awareness). A bad frame closes only its own connection.
 */
export class SyncServer {
  readonly docStore: DocStore;
  private readonly wss: WebSocketServer;
  private readonly hooks: Pick<SyncHooks, 'onAuthenticate' | 'onDisconnect'>;
  readonly logger: Logger;
  private readonly connections = new Set<Connection>();
  private readonly perPrincipal = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  private closing = false;
  /** Websocket messages received and sent since start, for the metrics (plain counters). */
  messagesIn = 0;
  messagesOut = 0;

  constructor(options: SyncServerOptions) {
    this.docStore = options.docStore;
    this.hooks = options.hooks ?? {};
    this.logger = options.logger;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.docStore.limits.maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false
    });
    this.heartbeat = setInterval(() => this.checkLiveness(), this.docStore.limits.pingIntervalMs);
    this.heartbeat.unref();
  }

  /** Open connections on this node. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Listens for upgrades on `server`. With `exclusive`, upgrades to other paths are refused
   * (404); without it they are left to other listeners (Vite's HMR socket in development).
   */
  attach(server: HttpServer, { exclusive = false } = {}): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.handleUpgrade(request, socket, head)) return;
      if (exclusive) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
    });
  }

  private readonly handleUpgradeSocketError = (error: Error): void => {
    this.logger.debug('sync: socket error', { error: String(error) });
  };

  /** Takes an upgrade request if it is for `/sync/…`; returns false otherwise. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = request.url ?? '';
    if (!url.startsWith(SYNC_PATH_PREFIX)) return false;
    socket.on('error', this.handleUpgradeSocketError);
    const query = url.indexOf('?');
    const rawName = url.slice(SYNC_PATH_PREFIX.length, query === -1 ? undefined : query);
    void this.admit(request, socket, head, rawName);
    return true;
  }

  private async admit(request: IncomingMessage, socket: Duplex, head: Buffer, rawName: string) {
    const refuse = (code: CloseCodeValue, reason: string) => {
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        ws.close(code, reason);
        setTimeout(() => ws.terminate(), 5_000).unref();
      });
    };
    if (this.closing) return refuse(CloseCode.GoingAway, 'server shutting down');
    const parsed = parseDocName(rawName);
    // Refused before authentication and before anything touches storage.
    if (!parsed.ok) return refuse(CloseCode.BadDocumentName, parsed.reason);
    if (this.connections.size >= this.docStore.limits.maxConnections) {
      return refuse(CloseCode.TooManyConnections, 'server connection limit');
    }
    if (this.overMemoryLimit()) {
      return refuse(CloseCode.TooManyConnections, 'server memory limit');
    }
    let grant: Grant;
    try {
      grant = await this.authenticate(request, parsed.name, rawName);
    } catch (error) {
      if (error instanceof SyncAccessError) return refuse(error.closeCode, error.message);
      this.logger.error('sync: authentication failed', { doc: rawName, error: String(error) });
      return refuse(CloseCode.ServerError, 'authentication failed');
    }
    const count = this.perPrincipal.get(grant.principal.id) ?? 0;
    if (count >= this.docStore.limits.maxConnectionsPerPrincipal) {
      return refuse(CloseCode.TooManyConnections, 'connection limit for this principal');
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.open(ws, socket, rawName, grant));
  }

  private async authenticate(
    request: IncomingMessage,
    docName: DocName,
    rawName: string
  ): Promise<Grant> {
    const hook = this.hooks.onAuthenticate;
    if (!hook) {
      return {
        principal: { id: `ip:${request.socket.remoteAddress ?? 'unknown'}`, kind: 'anonymous' },
        readOnly: false
      };
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SyncAccessError(CloseCode.Unauthorized, 'authentication timed out')),
        this.docStore.limits.authTimeoutMs
      );
    });
    try {
      return await Promise.race([Promise.resolve(hook({ request, docName, rawName })), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private open(ws: WebSocket, socket: Duplex, rawName: string, grant: Grant): void {
    const conn = new Connection(ws, socket, rawName, grant, this);
    this.connections.add(conn);
    const principalId = grant.principal.id;
    this.perPrincipal.set(principalId, (this.perPrincipal.get(principalId) ?? 0) + 1);

    connectionOf.set(ws, conn);
    ws.on('message', handleSocketMessage);
    ws.on('pong', handleSocketPong);
    ws.on('error', handleSocketError);
    ws.on('close', handleSocketClose);

    const attach = (): void => {
      this.docStore.acquire(rawName).then(bind, fail);
    };
    const fail = (error: unknown) => {
      this.logger.error('sync: loading document failed', { doc: rawName, error: String(error) });
      conn.close(CloseCode.ServerError, 'document unavailable');
    };
    const bind = (room: Room) => {
      if (conn.closed || ws.readyState !== WebSocket.OPEN) {
        this.docStore.release(room);
        return;
      }
      if (room.frozen) {
        // A rebase began after the room was handed out: join the fresh document instead.
        this.docStore.release(room);
        void this.docStore.whenNotRebasing(rawName).then(attach);
        return;
      }
      conn.room = room;
      room.addConnection(conn);
      conn.send(encodeSyncStep1(room.doc));
      const states = room.awareness.getStates();
      if (states.size > 0) {
        conn.send(
          encodeAwarenessMessage(
            awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...states.keys()])
          )
        );
      }
      const queued = conn.queue ?? [];
      conn.queue = null;
      for (const frame of queued) {
        if (conn.closed) break;
        this.handleFrame(conn, frame);
      }
    };
    attach();
  }

  /** A frame from `conn`'s socket (called by the shared socket handlers). */
  receive(conn: Connection, data: RawData, isBinary: boolean): void {
    conn.lastSeenAt = Date.now();
    if (!isBinary || !Buffer.isBuffer(data)) {
      conn.close(CloseCode.MalformedMessage, 'binary frames only');
      return;
    }
    if (conn.queue) conn.queue.push(data);
    else this.handleFrame(conn, data);
  }

  private handleFrame(conn: Connection, data: Buffer): void {
    const room = conn.room;
    if (!room || conn.closed) return;
    try {
      const message = decodeMessage(data);
      switch (message.type) {
        case 'sync-step1': {
          // The first state vector tells whether the peer holds a copy from before a rebase of
          // the document (generations.ts): refused before anything of it is applied.
          if (!conn.checkedStateVector) {
            conn.checkedStateVector = true;
            if (room.retired.inStateVector(message.stateVector)) {
              this.refuseRetired(conn, 'copy from before a rebase');
              return;
            }
          }
          // Sent only once everything it contains is durable (Room.durableDiff).
          void room.durableDiff(message.stateVector).then((diff) => {
            if (!conn.closed) conn.send(encodeSyncStep2(diff));
          });
          break;
        }
        case 'sync-update': {
          // Read-only connections: the update is dropped whole, never filtered (a CRDT update
          // cannot be partly accepted), and the connection stays open.
          if (conn.grant.readOnly) break;
          const limit = this.docStore.limits.maxDocumentBytes;
          if (room.bytesHeld + message.update.byteLength > limit) {
            conn.close(CloseCode.DocumentTooLarge, 'document size limit');
            return;
          }
          const decoded = assertValidUpdate(message.update);
          // Also for updates sent without (or before) a sync step 1: nothing of a retired
          // generation may reach the fresh document.
          if (room.retired.size > 0 && room.retired.inUpdate(decoded)) {
            this.refuseRetired(conn, 'update from before a rebase');
            return;
          }
          room.applyUpdate(message.update, clientOrigin(conn));
          break;
        }
        case 'awareness':
          try {
            awarenessProtocol.applyAwarenessUpdate(room.awareness, message.update, conn);
          } catch (error) {
            throw new MalformedMessageError(`invalid awareness update: ${String(error)}`);
          }
          break;
        case 'query-awareness': {
          const ids = [...room.awareness.getStates().keys()];
          conn.send(
            encodeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids))
          );
          break;
        }
      }
    } catch (error) {
      // Whatever the peer sent could not be used (undecodable frame, invalid update, bad
      // awareness JSON): only this connection closes; nothing from the frame was stored.
      const context = {
        doc: conn.rawName,
        principal: conn.grant.principal.id,
        error: String(error)
      };
      if (error instanceof MalformedMessageError) this.logger.warn('sync: bad message', context);
      else this.logger.error('sync: message failed', context);
      conn.close(CloseCode.MalformedMessage, 'bad message');
    }
  }

  private refuseRetired(conn: Connection, reason: string): void {
    this.logger.info('sync: refused a copy of a retired generation', {
      doc: conn.rawName,
      principal: conn.grant.principal.id,
      reason
    });
    conn.close(CloseCode.DocumentReset, reason);
  }

  /** `conn`'s socket closed (called by the shared socket handlers). */
  handleClose(conn: Connection, code: number): void {
    conn.closed = true;
    if (!this.connections.delete(conn)) return;
    const principalId = conn.grant.principal.id;
    const left = (this.perPrincipal.get(principalId) ?? 1) - 1;
    if (left > 0) this.perPrincipal.set(principalId, left);
    else this.perPrincipal.delete(principalId);
    if (conn.room) {
      conn.room.removeConnection(conn);
      this.docStore.release(conn.room);
    }
    this.logger.debug('sync: connection closed', {
      doc: conn.rawName,
      code,
      reason: closeCodeName(code)
    });
    this.hooks.onDisconnect?.({ name: conn.rawName, principal: conn.grant.principal, code });
  }

  private checkLiveness(): void {
    const deadline = Date.now() - this.docStore.limits.idleTimeoutMs;
    for (const conn of this.connections) {
      if (conn.lastSeenAt < deadline) conn.close(CloseCode.IdleTimeout, 'idle');
      else if (conn.ws.readyState === WebSocket.OPEN) conn.ws.ping();
    }
  }

  /**
   * Closes every connection for which `predicate` holds, with `code` (used when access
   * changes: a member removed, a role lowered, a token revoked).
   */
  closeWhere(
    predicate: (info: { rawName: string; grant: Grant }) => boolean,
    code: CloseCodeValue
  ) {
    let closed = 0;
    for (const conn of this.connections) {
      if (predicate({ rawName: conn.rawName, grant: conn.grant })) {
        conn.close(code, closeCodeName(code));
        closed++;
      }
    }
    return closed;
  }

  /**
   * Asks `stillAllowed` about every open connection and closes those it refuses with `code`.
   * Catches access changes made outside this process (the admin CLI, another node).
   */
  async recheck(
    stillAllowed: (info: { rawName: string; grant: Grant }) => Promise<boolean>,
    code: CloseCodeValue
  ): Promise<number> {
    let closed = 0;
    let checked = 0;
    for (const conn of [...this.connections]) {
      // A synchronous store answers every check within one macrotask; let the updates waiting
      // meanwhile through every so often instead of stalling all rooms for the whole pass.
      if (++checked % RECHECK_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
      if (conn.closed) continue;
      if (!(await stillAllowed({ rawName: conn.rawName, grant: conn.grant }))) {
        conn.close(code, closeCodeName(code));
        closed++;
      }
    }
    return closed;
  }

  /** Stops accepting connections and closes the open ones with GoingAway. */
  /** Whether this process's resident memory is above `limits.maxMemoryBytes`. */
  overMemoryLimit(): boolean {
    const limit = this.docStore.limits.maxMemoryBytes;
    return Number.isFinite(limit) && process.memoryUsage.rss() > limit;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    const closing = [...this.connections].map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.ws.readyState === WebSocket.CLOSED) return resolve();
          conn.ws.once('close', () => resolve());
          conn.close(CloseCode.GoingAway, 'server shutting down');
          setTimeout(() => {
            conn.ws.terminate();
            resolve();
          }, 1_000).unref();
        })
    );
    await Promise.all(closing);
    this.wss.close();
  }
}
