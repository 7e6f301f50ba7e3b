import type { IncomingMessage } from 'node:http';
import type * as Y from 'yjs';
import type { DocName } from '../src/lib/shared/doc-name';
import type { CloseCodeValue } from '../src/lib/shared/sync-protocol';
import type { UpdateOrigin } from './update-origin';

/** Who is behind a connection or a server-side change. */
export interface Principal {
  /** Stable key used for per-principal limits and logs (user id, token id, or `ip:…`). */
  id: string;
  kind: 'anonymous' | 'session' | 'token' | 'server';
  /** The account behind a session or token. */
  userId?: string;
  /** The session behind a cookie-authenticated connection. */
  sessionId?: string;
  /** The API token behind a token-authenticated connection. */
  tokenId?: string;
}

/** What `onAuthenticate` grants a connection. */
export interface Grant {
  principal: Principal;
  /** A read-only connection gets the document and awareness but its updates are never applied. */
  readOnly: boolean;
}

/** Thrown by `onAuthenticate` to refuse a connection with a named close code. */
export class SyncAccessError extends Error {
  constructor(
    readonly closeCode: CloseCodeValue,
    message: string
  ) {
    super(message);
    this.name = 'SyncAccessError';
  }
}

export interface AuthenticateContext {
  request: IncomingMessage;
  docName: DocName;
  rawName: string;
}

export interface LoadContext {
  name: string;
  docName: DocName;
  doc: Y.Doc;
  /**
   * Asks for the document to be rebased (DocStore.rebase) before any client or server code
   * sees it: after every onLoad hook has run and its changes are stored, the content is copied
   * by `build` into a fresh generation and the document loaded again (its onLoad hooks run once
   * more, on the fresh document). For changes that leave many deleted entries behind, e.g. an
   * upgrade that moves content out. The last request wins.
   */
  requestRebase(build: (source: Y.Doc, target: Y.Doc) => void): void;
}

export interface StoreContext {
  name: string;
  updates: readonly Uint8Array[];
  lastSeq: number;
}

export interface ChangeContext {
  name: string;
  docName: DocName;
  doc: Y.Doc;
  update: Uint8Array;
  /** Who made the change: a client of this node, server code, or a peer node. */
  origin: UpdateOrigin;
}

export interface DisconnectContext {
  name: string;
  principal: Principal;
  code: number;
}

/**
 * The named hooks of the sync core, wired in one composition root
 * (src/lib/server/runtime.ts). Every hook is optional.
 */
export interface SyncHooks {
  /** Decides, before any sync message is processed, who may open a document and how. */
  onAuthenticate?(ctx: AuthenticateContext): Promise<Grant> | Grant;
  /** After a document is loaded from storage and before any client sees it. */
  onLoad?(ctx: LoadContext): Promise<void> | void;
  /** After a batch of updates is durable, before it is broadcast. */
  onStore?(ctx: StoreContext): void;
  /** After an update is applied to a loaded document (any origin, see update-origin.ts). */
  onChange?(ctx: ChangeContext): void;
  /**
   * Before an update of a client or a peer is applied, with its bytes as they arrived.
   * `onChange` gets what Yjs re-encodes after applying: parts it dropped (writes into a map
   * that was deleted meanwhile) are not in it; the task archive reads them here.
   */
  onApply?(ctx: ChangeContext): void;
  /** After a connection closed. */
  onDisconnect?(ctx: DisconnectContext): void;
}

/** The logger the sync core writes to; the composition root passes the app's logger. */
export type { Logger } from './logger';
