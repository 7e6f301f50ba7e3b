import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import type { Logger } from '../hooks';
import type { DocumentStorage, StoredDocument } from './types';

/**
 * The document tables on PostgreSQL, the same shape as SQLite's migration 0001 (bytea for
 * BLOB, an identity column for AUTOINCREMENT, times as epoch milliseconds like SQLite's) so a
 * backup moves between the two without conversion. Versions are recorded in
 * `schema_migrations` as on SQLite, where version 1 is the documents too; the records'
 * migrations will continue that history.
 */
const migrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'documents',
    sql: `
CREATE TABLE document_snapshots (
  name        text PRIMARY KEY,
  snapshot    bytea NOT NULL,
  through_seq bigint NOT NULL,
  updated_at  bigint NOT NULL
);

CREATE TABLE document_updates (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL,
  data       bytea NOT NULL,
  created_at bigint NOT NULL
);

CREATE INDEX document_updates_by_name ON document_updates (name, seq);
`
  }
];

/**
 * First key of the two-key advisory locks this backend takes ('RBDC'), so they never collide
 * with other users of advisory locks in the same database. The second key is
 * `hashtext(<document name>)` for appends, `MIGRATION_LOCK` for migrations.
 */
export const DOCUMENT_LOCK_CLASS = 0x52424443;
const MIGRATION_LOCK = 0;

export interface PostgresStorageOptions {
  /** Where connection errors of idle clients are reported (they never crash the process). */
  logger: Logger;
  /** Connections in the pool. This and the two timeouts apply to a pool made from a URL. */
  poolSize?: number;
  /** A connection attempt fails after this long (default 5 s), so `ping` rejects, never hangs. */
  connectionTimeoutMs?: number;
  /** A query fails after this long (default 30 s); its connection is then discarded. */
  queryTimeoutMs?: number;
  /** End the pool on `close` (default true; false when the pool is shared with records). */
  closePool?: boolean;
}

/** A connection string or a pool; a pool passed in is used as it is. */
export type PostgresTarget = string | Pool;

/**
 * DocumentStorage on PostgreSQL (node-postgres pool). Create it with `PostgresStorage.open`,
 * which migrates the schema once; calls never create tables.
 *
 * Sequence order. `seq` is an identity column: its values are unique and increasing in the
 * order they are drawn, but not gap-free, and two transactions can commit in the opposite
 * order of their values. Unchecked, that loses data: append A draws seq 10, append B (same
 * document, another node) draws 11 and commits, a load sees 11 without 10 and reports
 * lastSeq 11, a compaction through 11 runs, and then A commits row 10 below the snapshot's
 * through_seq, where no load ever looks again. So appends to one document are serialised: each
 * append transaction first takes `pg_advisory_xact_lock(DOCUMENT_LOCK_CLASS, hashtext(name))`,
 * held until commit, and only then draws its seqs. Within a document, seqs are therefore drawn
 * and committed in the same order, and every seq committed later is higher than every seq a
 * load or append has reported. An advisory lock rather than a counter row: it needs no third
 * table and no row per document, costs no write, and a hash collision between two names only
 * makes their appends wait for each other (and `hashtext` only has to agree with itself on
 * one server, which every node shares). Compactions need no lock: they only delete rows
 * with seq ≤ a seq the caller saw committed.
 *
 * Outage. A connection the server drops (restart, `pg_terminate_backend`, network) is removed
 * from the pool and reported on the logger; the pool opens new ones on demand, so the storage
 * recovers by itself once the database is back. Meanwhile calls reject and the Room keeps its
 * updates and retries. An append whose COMMIT was sent but whose answer was lost rejects although
 * it may have committed; its retry then logs the same updates twice, which Yjs applies
 * idempotently, and the next compaction drops the copies.
 */
export class PostgresStorage implements DocumentStorage {
  readonly kind = 'postgres';
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly closePool: boolean
  ) {}

  /** Connects (a URL or an existing pool), applies pending migrations and returns the storage. */
  static async open(
    target: PostgresTarget,
    options: PostgresStorageOptions
  ): Promise<PostgresStorage> {
    const { logger } = options;
    const ownPool = typeof target === 'string';
    const pool =
      typeof target === 'string'
        ? new Pool({
            connectionString: target,
            max: options.poolSize ?? 10,
            connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
            query_timeout: options.queryTimeoutMs ?? 30_000,
            keepAlive: true
          })
        : target;
    // An idle client whose connection dies emits 'error' on the pool; without a listener that
    // is an uncaught exception that ends the process. The pool has already dropped the client.
    pool.on('error', (error: Error) => {
      logger.warn('postgres: an idle connection failed; the pool opens a new one when needed', {
        error: error.message
      });
    });
    try {
      await applyMigrations(pool);
    } catch (error) {
      if (ownPool) await pool.end().catch(() => {});
      throw error;
    }
    return new PostgresStorage(pool, options.closePool ?? true);
  }

  /**
   * @inheritdoc
   * One statement, so the snapshot and the log are read from the same database snapshot: two
   * statements could see the snapshot from before a compaction and the log from after it.
   */
  async load(name: string): Promise<StoredDocument> {
    const { rows } = await this.query<{ is_snapshot: boolean; seq: string; data: Buffer }>(
      `WITH snap AS (
         SELECT snapshot, through_seq FROM document_snapshots WHERE name = $1
       )
       SELECT true AS is_snapshot, through_seq AS seq, snapshot AS data FROM snap
       UNION ALL
       SELECT false, u.seq, u.data FROM document_updates u
        WHERE u.name = $1 AND u.seq > COALESCE((SELECT through_seq FROM snap), 0)
       ORDER BY is_snapshot DESC, seq`,
      [name]
    );
    // bigint arrives as a string; seqs stay far below 2^53.
    const snap = rows[0]?.is_snapshot ? rows[0] : undefined;
    const log = snap ? rows.slice(1) : rows;
    const throughSeq = snap ? Number(snap.seq) : 0;
    return {
      snapshot: snap ? new Uint8Array(snap.data) : null,
      updates: log.map((row) => new Uint8Array(row.data)),
      lastSeq: log.length > 0 ? Number(log.at(-1)!.seq) : throughSeq
    };
  }

  /**
   * @inheritdoc
   * One statement, so one round trip (an implicit transaction): the advisory lock is taken in a
   * one-row subquery that every inserted row joins, so it is held before the first seq is drawn
   * and until the statement commits (see the class comment). Not retried here: a failure
   * rejects, and the Room retries the batch with backoff (if a lost answer hid a commit, the
   * retry logs the updates twice, which Yjs applies idempotently; see "Outage").
   */
  async append(name: string, updates: readonly Uint8Array[]): Promise<number> {
    if (updates.length === 0) return 0;
    const { rows } = await this.pool.query<{ last: string }>(
      `WITH inserted AS (
         INSERT INTO document_updates (name, data, created_at)
         SELECT $1, u.data, $3
           FROM (SELECT pg_advisory_xact_lock($4, hashtext($1))) AS serialised,
                unnest($2::bytea[]) WITH ORDINALITY AS u(data, ord)
          ORDER BY u.ord
         RETURNING seq
       )
       SELECT max(seq)::text AS last FROM inserted`,
      [name, updates, Date.now(), DOCUMENT_LOCK_CLASS]
    );
    return Number(rows[0]!.last);
  }

  /**
   * @inheritdoc
   * A snapshot older than the stored one (lower `throughSeq`) never replaces it: the stored one
   * already holds everything up to its higher through_seq, whose updates may be gone from the log.
   */
  async compact(name: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    // One statement (both parts commit together), so one round trip.
    await this.pool.query(
      `WITH snap AS (
         INSERT INTO document_snapshots (name, snapshot, through_seq, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE
           SET snapshot = excluded.snapshot,
               through_seq = GREATEST(document_snapshots.through_seq, excluded.through_seq),
               updated_at = excluded.updated_at
         WHERE document_snapshots.through_seq <= excluded.through_seq
         RETURNING 1
       )
       DELETE FROM document_updates WHERE name = $1 AND seq <= $3`,
      [name, snapshot, throughSeq, Date.now()]
    );
  }

  /** @inheritdoc */
  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  /** @inheritdoc */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.closePool) await this.pool.end();
  }

  /**
   * A read-only query, run again on another connection when it failed only because the pooled
   * connection it got had died while idle (the pool learns of that asynchronously). Without
   * this, the first calls after a database restart fail once per stale connection, and /readyz
   * would report an outage that is over. Bounded: every stale connection that fails is dropped.
   */
  private async query<R extends QueryResultRow>(
    text: string,
    values?: unknown[]
  ): Promise<QueryResult<R>> {
    for (let spare = this.pool.idleCount; ; spare--) {
      try {
        return await this.pool.query<R>(text, values);
      } catch (error) {
        if (spare <= 0 || !isConnectionLost(error)) throw error;
      }
    }
  }
}

/** SQLSTATEs of a server that ended the session (admin_shutdown, crash_shutdown, idle timeout). */
const sessionEndedCodes = new Set(['57P01', '57P02', '57P05']);
/** Socket errors of a connection the other end already closed. */
const socketLostCodes = new Set(['ECONNRESET', 'EPIPE']);

/** Whether `error` says the connection was gone, rather than that the statement failed. */
function isConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'string') {
    return sessionEndedCodes.has(code) || socketLostCodes.has(code) || code.startsWith('08');
  }
  return error.message === 'Connection terminated unexpectedly';
}

/**
 * Runs `fn` in a transaction on a client of `pool`. While the client is checked out the pool
 * does not listen for its errors, so a connection dying between two queries would be an
 * uncaught 'error' event: listen here, and hand a failed client back with its error so the pool
 * discards it instead of reusing a connection in an unknown state. A connection found dead on
 * BEGIN has done nothing yet, so another one is tried (as in `PostgresStorage.query`).
 */
async function runTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  for (let spare = pool.idleCount; ; spare--) {
    const client = await pool.connect();
    let broken: Error | undefined;
    let begun = false;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      begun = true;
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken ??= error instanceof Error ? error : new Error(String(error));
      // Best effort: a dead connection rolls back on the server by itself.
      if (begun) await client.query('ROLLBACK').catch(() => {});
      if (!begun && spare > 0 && isConnectionLost(error)) continue;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}

/** A numbered schema change, recorded in `schema_migrations` once applied. */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Applies the migrations this database lacks, in version order, once, even when several nodes
 * start at once (under an advisory lock, in one transaction); returns the versions applied.
 * The app's records layer applies its whole history through this too.
 */
export async function applyMigrations(
  pool: Pool,
  list: readonly PostgresMigration[] = migrations
): Promise<number[]> {
  return runTransaction(pool, async (client) => {
    // Taken before CREATE TABLE IF NOT EXISTS, which itself races between sessions.
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [
      DOCUMENT_LOCK_CLASS,
      MIGRATION_LOCK
    ]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at bigint NOT NULL
    )`);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations'
    );
    const done = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const migration of [...list].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [migration.version, migration.name, Date.now()]
      );
      applied.push(migration.version);
    }
    return applied;
  });
}
