/**
 * Where an update to a room's document came from. Persistence and fan-out depend on it:
 *
 * | origin   | appended to storage     | broadcast to                  | published to other nodes |
 * | -------- | ----------------------- | ----------------------------- | ------------------------ |
 * | `client` | yes, before broadcast   | every other local connection  | yes, once durable        |
 * | `server` | yes, before broadcast   | every local connection        | yes, once durable        |
 * | `peer`   | no: its node stored it  | every local connection        | no: it came from there   |
 *
 * The origin is the Yjs transaction origin of the change, so it reaches the room's `update`
 * handler as it was given; any other transaction origin (a hook's own `doc.transact`) is a
 * server change.
 */
import type { RoomConnection } from './room';

/** An update sent by a websocket client of this node; never echoed back to it. */
export interface ClientOrigin {
  readonly kind: 'client';
  readonly connection: RoomConnection;
}

/**
 * A change made by server code on this node (`DocStore.transact`, load hooks, jobs). A change
 * made on behalf of a user (a REST call) names that user as `actorId`, for the records that
 * say who did what (task activity); `SERVER_ORIGIN` has none: the server itself.
 */
export interface ServerOrigin {
  readonly kind: 'server';
  readonly actorId?: string | null;
  /**
   * Why, when records depend on it: `unarchive` writes a task back from the archive (its
   * activity says "restored", not "created").
   */
  readonly reason?: 'unarchive';
}

/**
 * An update another node has already made durable and relays (the fan-out, fanout/fanout.ts):
 * applied and sent to local clients, neither stored again nor published again.
 */
export interface PeerOrigin {
  readonly kind: 'peer';
  readonly nodeId: string;
}

export type UpdateOrigin = ClientOrigin | ServerOrigin | PeerOrigin;

/** The origin of every server-side change; one shared object, compared by `kind`. */
export const SERVER_ORIGIN: ServerOrigin = Object.freeze({ kind: 'server' });

/** The origin of a server change made on behalf of user `actorId` (null: the server itself). */
export function serverOrigin(actorId: string | null): ServerOrigin {
  return actorId === null ? SERVER_ORIGIN : Object.freeze({ kind: 'server', actorId });
}

/** The origin of an update received from `connection`. */
export function clientOrigin(connection: RoomConnection): ClientOrigin {
  return { kind: 'client', connection };
}

/** The origin of an update relayed by node `nodeId`. */
export function peerOrigin(nodeId: string): PeerOrigin {
  return { kind: 'peer', nodeId };
}

/** Reads a Yjs transaction origin as an UpdateOrigin; anything unknown is the server. */
export function toUpdateOrigin(transactionOrigin: unknown): UpdateOrigin {
  if (typeof transactionOrigin === 'object' && transactionOrigin !== null) {
    const kind = (transactionOrigin as { kind?: unknown }).kind;
    if (kind === 'client' || kind === 'server' || kind === 'peer') {
      return transactionOrigin as UpdateOrigin;
    }
  }
  return SERVER_ORIGIN;
}

/**
 * Whether an update of this origin was made on this node (a client of it, or its server code),
 * as opposed to relayed by another node. The rule of "once across nodes"
 * (docs/ARCHITECTURE.md): records derived from an update (activity, mirrors, history, indexes,
 * summaries) and server changes made because of it (task keys, repairs, moves) are made by the
 * node where the update was made; on a peer update a node only brings its in-memory state in
 * step. Every extension asks this, never `kind` itself.
 */
export const isLocalOrigin = (origin: UpdateOrigin): boolean => origin.kind !== 'peer';

/** `isLocalOrigin` of a Yjs transaction's origin (what observers receive). */
export const isLocalTransaction = (transactionOrigin: unknown): boolean =>
  isLocalOrigin(toUpdateOrigin(transactionOrigin));

/** Whether an update of this origin is appended to this node's storage. */
export const isStoredHere = (origin: UpdateOrigin): boolean => origin.kind !== 'peer';

/** Whether `connection` receives an update of this origin (a client never gets its own back). */
export const isSentTo = (origin: UpdateOrigin, connection: RoomConnection): boolean =>
  origin.kind !== 'client' || origin.connection !== connection;
