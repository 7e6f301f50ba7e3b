/**
 * The storage contract of the sync server. Every backend (in-memory, SQLite, PostgreSQL)
 * passes the same contract suite in tests/sync/storage-contract.test.ts.
 *
 * A document is stored as an optional snapshot (a Yjs update holding the merged state up to
 * `throughSeq`) plus an append-only log of updates with increasing sequence numbers.
 */

export interface StoredDocument {
  /** Merged state through `throughSeq`, or null when the document was never compacted. */
  snapshot: Uint8Array | null;
  /** Updates appended after the snapshot, oldest first. */
  updates: Uint8Array[];
  /** Sequence number of the last update returned (0 for a new document). */
  lastSeq: number;
}

export interface DocumentStorage {
  /** Human-readable backend name for logs and /readyz. */
  readonly kind: string;
  /** Reads the snapshot and every update after it. A missing document reads as empty. */
  load(name: string): Promise<StoredDocument>;
  /**
   * Appends updates in order, atomically: after the promise resolves every one of them is
   * durable; after it rejects none of them is. Resolves with the last sequence number.
   */
  append(name: string, updates: readonly Uint8Array[]): Promise<number>;
  /**
   * Replaces the snapshot with `snapshot` and drops logged updates with seq ≤ `throughSeq`,
   * atomically. Updates appended with a higher seq (also while compaction ran) are kept.
   * The caller guarantees `snapshot` contains every update with seq ≤ `throughSeq`, or, in a
   * rebase (`DocStore.rebase`), their content as a fresh document that replaces the whole
   * history on purpose (`throughSeq` is then the last seq, and nothing may be appended while it
   * runs). A `throughSeq` equal to the stored one replaces the snapshot too. A snapshot
   * whose `throughSeq` is lower than the stored one's (a slower compaction finishing last) is
   * ignored: the updates it lacks may already be gone from the log.
   */
  compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void>;
  /** Resolves when the backend is reachable (used by /readyz). */
  ping(): Promise<void>;
  /** Releases the backend's resources. */
  close(): Promise<void>;
}
