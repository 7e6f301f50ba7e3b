/**
 * Every limit of the sync server in one place, with units in the names. The composition root
 * may override any of them (tests use short timers); nothing else hard-codes a limit.
 */
export const defaults = {
  /** Largest websocket frame accepted; larger frames close the connection (1009). */
  maxMessageBytes: 8 * 1024 * 1024,
  /**
   * Documents one connection may open. The y-websocket protocol binds one connection to the
   * document in its URL, so this is 1 by construction; kept here so the limit is explicit.
   */
  maxDocumentsPerConnection: 1,
  /** Open websocket connections on this node. */
  maxConnections: 10_000,
  /**
   * Resident memory (bytes) above which the node takes no new connections (they are refused as
   * `TooManyConnections`, which clients retry, reaching another node behind a load balancer).
   * Infinity: no limit (`RUNBOARD_MAX_MEMORY_MB` sets one).
   */
  maxMemoryBytes: Number.POSITIVE_INFINITY,
  /** Open websocket connections per principal (user, token or, when anonymous, IP). */
  maxConnectionsPerPrincipal: 200,
  /** A connection that sends no frame (message or pong) for this long is closed. */
  idleTimeoutMs: 90_000,
  /** How often the server pings connections to detect dead peers. */
  pingIntervalMs: 30_000,
  /**
   * How often open connections are checked against current sessions, tokens and roles (changes
   * made in this process close connections at once; this catches the admin CLI and other nodes).
   */
  accessRecheckMs: 30_000,
  /** Authentication of an upgrade request must finish within this time. */
  authTimeoutMs: 10_000,
  /** Upper bound of a document held in memory (snapshot plus log, in update bytes). */
  maxDocumentBytes: 64 * 1024 * 1024,
  /** A connection whose unsent buffer grows past this is closed; it resyncs on reconnect. */
  maxBufferedBytes: 16 * 1024 * 1024,
  /** Compact the update log into a snapshot once it holds this many updates… */
  compactAfterUpdates: 1_000,
  /** …or this many bytes, whichever comes first. */
  compactAfterBytes: 4 * 1024 * 1024,
  /** A room with no connections and nothing unsaved is unloaded after this delay. */
  unloadDelayMs: 2_000,
  /** First retry delay after a failed save; doubles per failure up to `saveRetryMaxMs`. */
  saveRetryBaseMs: 100,
  saveRetryMaxMs: 10_000,
  /** Server code waiting for its change to be durable gives up (503) after this long. */
  saveWaitTimeoutMs: 10_000,
  /** Graceful shutdown waits this long for unsaved updates before giving up. */
  shutdownTimeoutMs: 15_000
};

export type Limits = typeof defaults;
