/**
 * The sync wire protocol as data: message types (the y-websocket protocol, built on
 * y-protocols) and the close codes the server uses. Shared by the browser and the server so
 * both name the same things the same way.
 */

/** Path prefix of the websocket endpoint: `ws(s)://host/sync/<docName>`. */
export const SYNC_PATH_PREFIX = '/sync/';

/** Top-level message types of the y-websocket protocol. */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3
} as const;

/** Sub-types of a `Sync` message (y-protocols/sync). */
export const SyncMessageType = {
  Step1: 0,
  Step2: 1,
  Update: 2
} as const;

/**
 * Close codes. 1000–1015 are the RFC 6455 codes; 4000–4999 are ours, split the way the stock
 * y-websocket client reads them: 4400–4499 are final (the client stops reconnecting), 40xx and
 * 45xx are transient (it reconnects and resyncs). See `isRetryableClose`.
 */
export const CloseCode = {
  Normal: 1000,
  /** The server is shutting down or restarting; reconnect. */
  GoingAway: 1001,
  /** A frame was larger than `maxMessageBytes` (sent by the websocket layer itself). */
  MessageTooBig: 1009,
  /** The document name in the URL is not a valid `<ws>.<kind>[.<id>]`. */
  BadDocumentName: 4400,
  /** No valid session or token. */
  Unauthorized: 4401,
  /** Authenticated, but not allowed to open this document. */
  Forbidden: 4403,
  /** No frame (message or pong) from the peer within `idleTimeoutMs`. */
  IdleTimeout: 4008,
  /** The access behind this connection changed (role change, token revoked): reconnect. */
  AccessChanged: 4009,
  /** A message could not be decoded, or carried an invalid Yjs update. */
  MalformedMessage: 4422,
  /** The connection could not keep up: its unsent buffer passed `maxBufferedBytes`. */
  SlowConsumer: 4011,
  /** The server or this principal has reached its connection limit. */
  TooManyConnections: 4029,
  /** Unexpected server failure while handling this connection. */
  ServerError: 4500,
  /** Applying the update would grow the document past `maxDocumentBytes`. */
  DocumentTooLarge: 4413,
  /**
   * The server rebased the document (a new generation, see "Rebasing a document" in
   * docs/ARCHITECTURE.md), or this client holds a copy from before a rebase. Final as it is:
   * the client must drop its copy and open the document afresh (connect-doc.ts does, after
   * saving its unsynced task edits).
   */
  DocumentReset: 4410
} as const;

/**
 * Where a rebased document names its generation: the root map `meta`, key `generation` (a
 * random id, new on every rebase). Absent on a document that was never rebased.
 */
export const GENERATION_MAP = 'meta';
export const GENERATION_KEY = 'generation';

export type CloseCodeName = keyof typeof CloseCode;
export type CloseCodeValue = (typeof CloseCode)[CloseCodeName];

/** Whether a client should keep reconnecting after the server closed with `code`. */
export function isRetryableClose(code: number): boolean {
  return !(code >= 4400 && code < 4500);
}

/** The name of a close code, for logs and UI. */
export function closeCodeName(code: number): CloseCodeName | 'Unknown' {
  for (const [name, value] of Object.entries(CloseCode)) {
    if (value === code) return name as CloseCodeName;
  }
  return 'Unknown';
}
