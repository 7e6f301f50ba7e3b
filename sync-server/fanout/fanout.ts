/**
 * Fan-out of documents across nodes (docs/ARCHITECTURE.md, "Fan-out across nodes"). Every update
 * a node makes durable and every awareness change of its clients is published on the document's
 * channel (`<prefix>:doc:<name>`); a node holding the document applies what the others publish
 * as a `peer` update (update-origin.ts): sent to its clients, never stored or published again.
 *
 * - Load: the channel is subscribed first, the store read next; what arrives meanwhile is
 *   buffered and applied once the room is loaded, so nothing falls in between.
 * - Loss: the bus is at-most-once. Whenever it comes back (and on a failed publish), every
 *   loaded document publishes its state vector (sync step 1); each other node answers with the
 *   diff it has (step 2) and its own state vector, which the first answers in turn. Both sides
 *   end with the union, by state vector, whatever was lost.
 * - Awareness: forwarded both ways; states of a node's clients are removed when the node says
 *   goodbye or is not heard from (heartbeats on `<prefix>:nodes`) for `peerTimeoutMs`.
 * - Access changes: `publishAccess` reaches every node's `onAccess` handlers
 *   (`<prefix>:access`), so sockets close everywhere at once.
 * - Rebases: one node at a time rebases a document, and the others drop it meanwhile
 *   (`rebaseLease`; docs/ARCHITECTURE.md, "Rebasing a document").
 */
import * as awarenessProtocol from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { Logger } from '../logger';
import { assertValidUpdate } from '../messages';
import type { Room } from '../room';
import { peerOrigin } from '../update-origin';
import type { FanoutTransport } from './transport';

/** Kinds of bus messages (first varuint of each). */
const Kind = {
  Update: 0,
  Awareness: 1,
  SyncStep1: 2,
  SyncStep2: 3,
  QueryAwareness: 4,
  Hello: 5,
  Bye: 6,
  Access: 7,
  /** On the nodes channel, with the document's name: a node asks to rebase it. */
  RebaseBegin: 8,
  /** …answered by each other node: it dropped the document and holds its loads (to the asker). */
  RebaseReady: 9,
  /** …or: it is rebasing the document itself, wait for its RebaseDone (to the asker). */
  RebaseBusy: 10,
  /** …or: it could not save what it held of the document; the rebase must not run. */
  RebaseRefused: 11,
  /** The rebase ended (with the fresh generation, empty if none): loads go on. */
  RebaseDone: 12
} as const;

/** What a DocStore does when another node rebases one of its documents. */
export interface RebaseHolder {
  /**
   * Drops the document (its connections closed with `DocumentReset`, everything applied saved)
   * and holds its loads until `release`, or until `holdMs` passed (the rebasing node died).
   */
  hold(name: string, holdMs: number): Promise<void>;
  /** The rebase of `name` ended: loads go on; a copy older than `generation` is dropped. */
  release(name: string, generation: string | null): void;
}

/** Why `rebaseLease` could not be granted: the bus is down, or a node could not save. */
export class RebaseLeaseError extends Error {
  constructor(
    readonly reason: 'bus_down' | 'refused',
    message: string
  ) {
    super(message);
    this.name = 'RebaseLeaseError';
  }
}

/** A rebase this node may run while it holds the lease; `done` ends it on every node. */
export interface RebaseLease {
  done(generation: string | null): void;
}

/** A rebase this node asked to run, until it is granted or given up. */
interface RebaseAsk {
  /** Peers that said they hold the document. */
  ready: Set<string>;
  /** A peer rebasing the document first: asked again once it is done. */
  waitingFor: string | null;
  /** A peer that could not hold it. */
  refusedBy: string | null;
  granted: boolean;
  /** Wakes the asking loop up (an answer arrived). */
  wake: () => void;
}

/** The transaction origin of awareness changes relayed from node `nodeId`. */
interface PeerAwarenessOrigin {
  readonly kind: 'peer';
  readonly nodeId: string;
}

/** Origin of the removal of a gone node's awareness states (not published: every node does it). */
const PEER_GONE = 'peer-gone';
/** Origin y-protocols gives states it drops after 30 s without renewal (each node does it). */
const AWARENESS_TIMEOUT = 'timeout';

export interface FanoutOptions {
  transport: FanoutTransport;
  /** Channel prefix (`REDIS_PREFIX`). */
  prefix: string;
  /** This node's id: unique per process. */
  nodeId: string;
  logger: Logger;
  /** How often this node says it is alive. */
  heartbeatMs?: number;
  /** A node not heard from for this long is gone: its clients' awareness states are removed. */
  peerTimeoutMs?: number;
  /** A failed publish while the bus is up resyncs the document after this delay. */
  resyncDelayMs?: number;
  /** How long a rebasing node waits for the others to hold the document. */
  rebaseAskMs?: number;
  /** How long a node holds a document for a rebasing node that never says it is done. */
  rebaseHoldMs?: number;
}

/** What the metrics read (counters since start). */
export interface FanoutFigures {
  connected: boolean;
  published: number;
  received: number;
  publishFailures: number;
  resyncs: number;
  peers: number;
}

type Entry =
  | { state: 'joining'; buffer: Buffer[] }
  | {
      state: 'attached';
      room: Room;
      /** Awareness client ids relayed from each peer node. */
      peerIds: Map<string, Set<number>>;
      listener: (change: AwarenessChange, origin: unknown) => void;
    };

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/** The fan-out of one node; the DocStore calls `join`, `attach`, `published` and `leave`. */
export class Fanout {
  readonly nodeId: string;
  private readonly transport: FanoutTransport;
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly heartbeatMs: number;
  private readonly peerTimeoutMs: number;
  private readonly resyncDelayMs: number;
  private readonly rebaseAskMs: number;
  private readonly rebaseHoldMs: number;
  private readonly rebaseAsks = new Map<string, RebaseAsk>();
  /** Documents this node holds for another node's rebase: name → that node. */
  private readonly heldFor = new Map<string, string>();
  private rebaseHolder: RebaseHolder | null = null;
  private readonly entries = new Map<string, Entry>();
  private readonly peers = new Map<string, number>();
  private readonly accessHandlers: ((payload: unknown) => void)[] = [];
  private readonly resyncTimers = new Map<string, NodeJS.Timeout>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  private wasDown = false;
  readonly figures: FanoutFigures = {
    connected: false,
    published: 0,
    received: 0,
    publishFailures: 0,
    resyncs: 0,
    peers: 0
  };

  constructor(options: FanoutOptions) {
    this.transport = options.transport;
    this.prefix = options.prefix;
    this.nodeId = options.nodeId;
    this.logger = options.logger;
    this.heartbeatMs = options.heartbeatMs ?? 5_000;
    this.peerTimeoutMs = options.peerTimeoutMs ?? 3 * this.heartbeatMs;
    this.resyncDelayMs = options.resyncDelayMs ?? 1_000;
    this.rebaseAskMs = options.rebaseAskMs ?? 10_000;
    this.rebaseHoldMs = options.rebaseHoldMs ?? 60_000;
    this.transport.onMessage((channel, message) => this.receive(channel, message));
    this.transport.onStatus((up) => this.statusChanged(up));
    this.figures.connected = this.transport.up;
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Starts listening to the node and access channels; waits up to `waitMs` for the bus. A node
   * that cannot reach it starts anyway and serves its own clients until it can.
   */
  async start(waitMs = 5_000): Promise<void> {
    const deadline = Date.now() + waitMs;
    while (!this.transport.up && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(
      [this.nodesChannel, this.accessChannel].map((channel) =>
        this.transport.subscribe(channel).catch((error: unknown) => {
          this.logger.warn('fanout: bus unreachable at start; serving local clients only', {
            channel,
            error: String(error)
          });
        })
      )
    );
    this.beat();
  }

  private get nodesChannel(): string {
    return `${this.prefix}:nodes`;
  }

  private get accessChannel(): string {
    return `${this.prefix}:access`;
  }

  private docChannel(name: string): string {
    return `${this.prefix}:doc:${name}`;
  }

  /**
   * Subscribes to `name`'s channel before its store is read; messages are buffered until
   * `attach`. Never rejects: with the bus down the document is served locally and resynced
   * when the bus is back.
   */
  async join(name: string): Promise<void> {
    if (this.closed) return;
    this.entries.set(name, { state: 'joining', buffer: [] });
    try {
      await this.transport.subscribe(this.docChannel(name));
    } catch (error) {
      this.logger.warn('fanout: subscribing failed; the document resyncs when the bus is back', {
        doc: name,
        error: String(error)
      });
    }
  }

  /** The room of `name` is loaded: applies what arrived meanwhile, then relays live. */
  attach(room: Room): void {
    const entry = this.entries.get(room.name);
    if (this.closed || !entry || entry.state !== 'joining') return;
    const listener = (change: AwarenessChange, origin: unknown) =>
      this.awarenessChanged(room, change, origin);
    const attached: Entry = { state: 'attached', room, peerIds: new Map(), listener };
    this.entries.set(room.name, attached);
    room.awareness.on('update', listener);
    for (const message of entry.buffer) this.handleDocMessage(attached, message);
    // Ask the others for their clients' presence; the document itself came from the store.
    this.publish(room.name, this.encode(Kind.QueryAwareness, null));
  }

  /** The room of `name` was unloaded (or failed to load): stop listening. */
  leave(name: string, room?: Room): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    // A room given: only when it is the attached one (not a newer load of the same document).
    if (room && (entry.state !== 'attached' || entry.room !== room)) return;
    if (entry.state === 'attached') entry.room.awareness.off('update', entry.listener);
    this.entries.delete(name);
    const timer = this.resyncTimers.get(name);
    if (timer) clearTimeout(timer);
    this.resyncTimers.delete(name);
    void this.transport.unsubscribe(this.docChannel(name));
  }

  /** Updates of `name` made durable on this node: published, merged into one message. */
  published(name: string, updates: readonly Uint8Array[]): void {
    if (this.closed || updates.length === 0) return;
    const update = updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates as Uint8Array[]);
    this.publish(name, this.encode(Kind.Update, update));
  }

  /** Publishes an access change to every node (this one included: see `onAccess`). */
  publishAccess(payload: unknown): void {
    const message = this.encode(Kind.Access, new TextEncoder().encode(JSON.stringify(payload)));
    this.figures.published++;
    this.transport.publish(this.accessChannel, message).catch((error: unknown) => {
      this.figures.publishFailures++;
      this.logger.warn('fanout: an access change did not reach the other nodes', {
        error: String(error)
      });
    });
  }

  /** Calls `handler` with every access change another node publishes. */
  onAccess(handler: (payload: unknown) => void): void {
    this.accessHandlers.push(handler);
  }

  /** Sets what this node does when another one rebases a document (the DocStore). */
  onRebase(holder: RebaseHolder): void {
    this.rebaseHolder = holder;
  }

  /**
   * Waits until this node may rebase `name`: every other node heard from has dropped the
   * document and holds its loads (or did not answer within `rebaseAskMs`: gone, or cut off).
   * When two nodes ask at once, the lower node id goes first and the other asks again after.
   * Rejects while the bus is down (the others would not know) and when a node could not save
   * what it held. The holder must end the lease with `done`, which lets every node load again.
   */
  async rebaseLease(name: string): Promise<RebaseLease> {
    for (;;) {
      if (this.closed || !this.transport.up) {
        throw new RebaseLeaseError(
          'bus_down',
          'the fan-out bus is down: other nodes would not know of the rebase'
        );
      }
      const expected = [...this.peers.keys()];
      let wake!: () => void;
      let woken = new Promise<void>((resolve) => (wake = resolve));
      const ask: RebaseAsk = {
        ready: new Set(),
        waitingFor: null,
        refusedBy: null,
        granted: false,
        wake: () => wake()
      };
      this.rebaseAsks.set(name, ask);
      this.publishNodes(this.encodeRebase(Kind.RebaseBegin, name));
      const deadline = Date.now() + this.rebaseAskMs;
      while (
        !ask.waitingFor &&
        !ask.refusedBy &&
        !expected.every((peer) => ask.ready.has(peer) || !this.peers.has(peer)) &&
        Date.now() < deadline
      ) {
        const timer = setTimeout(() => wake(), Math.max(0, deadline - Date.now()));
        await woken;
        clearTimeout(timer);
        woken = new Promise<void>((resolve) => (wake = resolve));
      }
      if (ask.refusedBy) {
        this.rebaseAsks.delete(name);
        // The nodes that did hold it load again.
        this.publishNodes(this.encodeRebase(Kind.RebaseDone, name, ''));
        throw new RebaseLeaseError(
          'refused',
          `node ${ask.refusedBy} could not save ${name}; the rebase did not run`
        );
      }
      if (ask.waitingFor) {
        // Another node rebases it first; ours runs after, on its fresh generation.
        const first = ask.waitingFor;
        const waitUntil = Date.now() + this.rebaseHoldMs;
        while (ask.waitingFor === first && Date.now() < waitUntil) {
          const timer = setTimeout(() => wake(), Math.max(0, waitUntil - Date.now()));
          await woken;
          clearTimeout(timer);
          woken = new Promise<void>((resolve) => (wake = resolve));
        }
        continue;
      }
      const silent = expected.filter((peer) => !ask.ready.has(peer) && this.peers.has(peer));
      if (silent.length > 0) {
        this.logger.warn('fanout: rebasing without an answer from some nodes', {
          doc: name,
          nodes: silent
        });
      }
      ask.granted = true;
      return {
        done: (generation) => {
          if (this.rebaseAsks.get(name) === ask) this.rebaseAsks.delete(name);
          this.publishNodes(this.encodeRebase(Kind.RebaseDone, name, generation ?? ''));
        }
      };
    }
  }

  /** Says goodbye (the others drop this node's presence at once) and stops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const timer of this.resyncTimers.values()) clearTimeout(timer);
    this.resyncTimers.clear();
    if (this.transport.up) {
      await this.transport
        .publish(this.nodesChannel, this.encode(Kind.Bye, null))
        .catch(() => undefined);
    }
    for (const [name, entry] of this.entries) {
      if (entry.state === 'attached') entry.room.awareness.off('update', entry.listener);
      this.entries.delete(name);
    }
    await this.transport.close();
  }

  private encode(kind: number, payload: Uint8Array | null, flag?: number): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kind);
    encoding.writeVarString(encoder, this.nodeId);
    if (payload) encoding.writeVarUint8Array(encoder, payload);
    if (flag !== undefined) encoding.writeVarUint(encoder, flag);
    return encoding.toUint8Array(encoder);
  }

  /** A rebase message: kind, node id, document name, then the peer or generation it names. */
  private encodeRebase(kind: number, name: string, extra = ''): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kind);
    encoding.writeVarString(encoder, this.nodeId);
    encoding.writeVarString(encoder, name);
    encoding.writeVarString(encoder, extra);
    return encoding.toUint8Array(encoder);
  }

  private publishNodes(message: Uint8Array): void {
    if (this.closed) return;
    this.figures.published++;
    this.transport.publish(this.nodesChannel, message).catch((error: unknown) => {
      this.figures.publishFailures++;
      this.logger.warn('fanout: a rebase message did not reach the other nodes', {
        error: String(error)
      });
    });
  }

  private receiveRebase(kind: number, from: string, message: Buffer): void {
    let name: string;
    let extra: string;
    try {
      const decoder = decoding.createDecoder(message);
      decoding.readVarUint(decoder);
      decoding.readVarString(decoder);
      name = decoding.readVarString(decoder);
      extra = decoding.readVarString(decoder);
    } catch {
      this.logger.warn('fanout: undecodable rebase message');
      return;
    }
    const own = this.rebaseAsks.get(name);
    switch (kind) {
      case Kind.RebaseBegin: {
        if (own && (own.granted || this.nodeId < from)) {
          this.publishNodes(this.encodeRebase(Kind.RebaseBusy, name, from));
          return;
        }
        if (own) {
          own.waitingFor = from;
          own.wake();
        }
        this.heldFor.set(name, from);
        const holder = this.rebaseHolder;
        if (!holder) {
          this.publishNodes(this.encodeRebase(Kind.RebaseReady, name, from));
          return;
        }
        holder.hold(name, this.rebaseHoldMs).then(
          () => this.publishNodes(this.encodeRebase(Kind.RebaseReady, name, from)),
          (error: unknown) => {
            this.logger.error('fanout: could not hold a document for a rebase', {
              doc: name,
              node: from,
              error: String(error)
            });
            this.publishNodes(this.encodeRebase(Kind.RebaseRefused, name, from));
          }
        );
        return;
      }
      case Kind.RebaseReady:
      case Kind.RebaseBusy:
      case Kind.RebaseRefused: {
        if (extra !== this.nodeId || !own || own.granted) return;
        if (kind === Kind.RebaseReady) own.ready.add(from);
        else if (kind === Kind.RebaseBusy) own.waitingFor = from;
        else own.refusedBy = from;
        own.wake();
        return;
      }
      case Kind.RebaseDone: {
        this.heldFor.delete(name);
        this.rebaseHolder?.release(name, extra === '' ? null : extra);
        if (own?.waitingFor === from) {
          own.waitingFor = null;
          own.wake();
        }
        return;
      }
    }
  }

  private publish(name: string, message: Uint8Array): void {
    if (this.closed) return;
    this.figures.published++;
    this.transport.publish(this.docChannel(name), message).catch((error: unknown) => {
      this.figures.publishFailures++;
      this.logger.debug('fanout: publish failed; the document will resync', {
        doc: name,
        error: String(error)
      });
      // While the bus is down, coming back resyncs everything; if it is up, resync this one.
      this.scheduleResync(name);
    });
  }

  private scheduleResync(name: string): void {
    if (this.resyncTimers.has(name) || this.closed) return;
    const timer = setTimeout(() => {
      this.resyncTimers.delete(name);
      const entry = this.entries.get(name);
      if (entry?.state === 'attached' && this.transport.up) this.resync(entry.room);
    }, this.resyncDelayMs);
    timer.unref();
    this.resyncTimers.set(name, timer);
  }

  private statusChanged(up: boolean): void {
    this.figures.connected = up;
    if (!up) {
      if (!this.wasDown) this.logger.warn('fanout: bus lost; serving local clients only');
      this.wasDown = true;
      return;
    }
    const rooms = [...this.entries.values()].flatMap((e) =>
      e.state === 'attached' ? [e.room] : []
    );
    if (this.wasDown) {
      this.logger.info('fanout: bus back; resyncing loaded documents', { docs: rooms.length });
    }
    this.wasDown = false;
    this.beat();
    for (const room of rooms) this.resync(room);
  }

  /** Publishes `room`'s state vector and its clients' presence, and asks for the others'. */
  private resync(room: Room): void {
    this.figures.resyncs++;
    this.publish(room.name, this.encode(Kind.SyncStep1, Y.encodeStateVector(room.doc), 0));
    this.publishLocalAwareness(room);
    this.publish(room.name, this.encode(Kind.QueryAwareness, null));
  }

  private publishLocalAwareness(room: Room): void {
    const entry = this.entries.get(room.name);
    if (entry?.state !== 'attached') return;
    const fromPeers = new Set<number>();
    for (const ids of entry.peerIds.values()) for (const id of ids) fromPeers.add(id);
    const local = [...room.awareness.getStates().keys()].filter((id) => !fromPeers.has(id));
    if (local.length === 0) return;
    const update = awarenessProtocol.encodeAwarenessUpdate(room.awareness, local);
    this.publish(room.name, this.encode(Kind.Awareness, update));
  }

  private beat(): void {
    if (this.closed) return;
    if (this.transport.up) {
      this.figures.published++;
      this.transport
        .publish(this.nodesChannel, this.encode(Kind.Hello, null))
        .catch(() => undefined);
    }
    const deadline = Date.now() - this.peerTimeoutMs;
    for (const [nodeId, seen] of this.peers) {
      if (seen < deadline) this.peerGone(nodeId, 'not heard from');
    }
  }

  private peerSeen(nodeId: string): void {
    if (!this.peers.has(nodeId)) this.logger.info('fanout: node joined', { node: nodeId });
    this.peers.set(nodeId, Date.now());
    this.figures.peers = this.peers.size;
  }

  /** Removes the awareness states of `nodeId`'s clients from every loaded document. */
  private peerGone(nodeId: string, reason: string): void {
    this.peers.delete(nodeId);
    this.figures.peers = this.peers.size;
    // A rebase it ran is over (done or not: the store is whole either way); one it waited for
    // is no longer answered.
    for (const [name, asker] of this.heldFor) {
      if (asker !== nodeId) continue;
      this.heldFor.delete(name);
      this.rebaseHolder?.release(name, null);
    }
    for (const ask of this.rebaseAsks.values()) {
      if (ask.waitingFor === nodeId) ask.waitingFor = null;
      ask.wake();
    }
    let removed = 0;
    for (const entry of this.entries.values()) {
      if (entry.state !== 'attached') continue;
      const ids = entry.peerIds.get(nodeId);
      entry.peerIds.delete(nodeId);
      if (!ids || ids.size === 0) continue;
      removed += ids.size;
      awarenessProtocol.removeAwarenessStates(entry.room.awareness, [...ids], PEER_GONE);
    }
    this.logger.info('fanout: node gone', { node: nodeId, reason, awarenessStates: removed });
  }

  private awarenessChanged(room: Room, change: AwarenessChange, origin: unknown): void {
    const entry = this.entries.get(room.name);
    if (entry?.state !== 'attached' || entry.room !== room) return;
    if (isPeerAwareness(origin)) {
      let ids = entry.peerIds.get(origin.nodeId);
      if (!ids) entry.peerIds.set(origin.nodeId, (ids = new Set()));
      for (const id of change.added) ids.add(id);
      for (const id of change.updated) ids.add(id);
      for (const id of change.removed) ids.delete(id);
      return;
    }
    if (origin === PEER_GONE) return;
    if (origin === AWARENESS_TIMEOUT) {
      for (const ids of entry.peerIds.values()) for (const id of change.removed) ids.delete(id);
      return;
    }
    // A change of this node's clients (or their leaving): the others relay it to theirs.
    const changed = change.added.concat(change.updated, change.removed);
    const update = awarenessProtocol.encodeAwarenessUpdate(room.awareness, changed);
    this.publish(room.name, this.encode(Kind.Awareness, update));
  }

  private receive(channel: string, message: Buffer): void {
    if (this.closed) return;
    let kind: number;
    let nodeId: string;
    try {
      const decoder = decoding.createDecoder(message);
      kind = decoding.readVarUint(decoder);
      nodeId = decoding.readVarString(decoder);
    } catch {
      this.logger.warn('fanout: undecodable bus message', { channel });
      return;
    }
    if (nodeId === this.nodeId) return;
    this.figures.received++;
    this.peerSeen(nodeId);
    if (channel === this.nodesChannel) {
      if (kind === Kind.Bye) this.peerGone(nodeId, 'said goodbye');
      else if (kind >= Kind.RebaseBegin && kind <= Kind.RebaseDone) {
        this.receiveRebase(kind, nodeId, message);
      }
      return;
    }
    if (channel === this.accessChannel) {
      if (kind === Kind.Access) this.receiveAccess(message);
      return;
    }
    const docPrefix = `${this.prefix}:doc:`;
    if (!channel.startsWith(docPrefix)) return;
    const entry = this.entries.get(channel.slice(docPrefix.length));
    if (!entry) return;
    if (entry.state === 'joining') entry.buffer.push(message);
    else this.handleDocMessage(entry, message);
  }

  private receiveAccess(message: Buffer): void {
    let payload: unknown;
    try {
      const decoder = decoding.createDecoder(message);
      decoding.readVarUint(decoder);
      decoding.readVarString(decoder);
      payload = JSON.parse(new TextDecoder().decode(decoding.readVarUint8Array(decoder)));
    } catch {
      this.logger.warn('fanout: undecodable access change');
      return;
    }
    for (const handler of this.accessHandlers) {
      try {
        handler(payload);
      } catch (error) {
        this.logger.error('fanout: access change handler failed', { error: String(error) });
      }
    }
  }

  private handleDocMessage(entry: Extract<Entry, { state: 'attached' }>, message: Buffer): void {
    const { room } = entry;
    try {
      const decoder = decoding.createDecoder(message);
      const kind = decoding.readVarUint(decoder);
      const nodeId = decoding.readVarString(decoder);
      switch (kind) {
        case Kind.Update:
        case Kind.SyncStep2: {
          const update = decoding.readVarUint8Array(decoder);
          this.applyPeerUpdate(room, update, nodeId);
          break;
        }
        case Kind.Awareness: {
          const update = decoding.readVarUint8Array(decoder);
          const origin: PeerAwarenessOrigin = { kind: 'peer', nodeId };
          awarenessProtocol.applyAwarenessUpdate(room.awareness, update, origin);
          break;
        }
        case Kind.SyncStep1: {
          const stateVector = decoding.readVarUint8Array(decoder);
          const isReply = decoding.readVarUint(decoder) === 1;
          Y.decodeStateVector(stateVector);
          // Answered once everything the answer holds is durable here (as for clients).
          void room.durableDiff(stateVector).then((diff) => {
            if (this.entries.get(room.name) !== entry) return;
            this.publish(room.name, this.encode(Kind.SyncStep2, diff));
            if (!isReply) {
              this.publish(
                room.name,
                this.encode(Kind.SyncStep1, Y.encodeStateVector(room.doc), 1)
              );
            }
          });
          break;
        }
        case Kind.QueryAwareness:
          this.publishLocalAwareness(room);
          break;
        default:
          this.logger.warn('fanout: unknown bus message', { doc: room.name, kind });
      }
    } catch (error) {
      this.logger.warn('fanout: bad bus message', { doc: room.name, error: String(error) });
    }
  }

  private applyPeerUpdate(room: Room, update: Uint8Array, nodeId: string): void {
    if (room.frozen) return; // being rebased: the fresh room loads from the store
    const decoded = assertValidUpdate(update);
    if (room.retired.size > 0 && room.retired.inUpdate(decoded)) {
      this.logger.warn('fanout: dropped a peer update from before a rebase', {
        doc: room.name,
        node: nodeId
      });
      return;
    }
    room.applyUpdate(update, peerOrigin(nodeId));
  }
}

function isPeerAwareness(origin: unknown): origin is PeerAwarenessOrigin {
  return (
    typeof origin === 'object' &&
    origin !== null &&
    (origin as { kind?: unknown }).kind === 'peer' &&
    typeof (origin as { nodeId?: unknown }).nodeId === 'string'
  );
}
