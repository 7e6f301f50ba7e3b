/**
 * The records layer: every row that is not a Yjs document (accounts, audit, key counters, the
 * runbook index, versions, file metadata) through one typed query builder (Kysely) over either
 * SQLite (better-sqlite3, the embedded default, a file in DATA_DIR) or PostgreSQL
 * (`DATABASE_URL`). The documents live in the same database, through the sync core's storage
 * (sync-server/storage), so a backup is one consistent copy.
 *
 * Stores receive a `Records` and never a driver. Dialect differences are in ./dialect.ts.
 */
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations, PostgresStorage } from '../../../../sync-server/storage/postgres-storage';
import { SqliteStorage } from '../../../../sync-server/storage/sqlite-storage';
import type { DocumentStorage } from '../../../../sync-server/storage/types';
import type { Logger } from '../log';
import {
  dialectQueries,
  dialects,
  type DialectName,
  type DialectQueries,
  type DialectSql
} from './dialect';
import { migrations as allMigrations, type Migration } from './migrations/index';
import type { RecordsSchema } from './schema';

/** File name of the SQLite database inside DATA_DIR. */
export const SQLITE_FILE_NAME = 'runboard.sqlite';

export type RecordsDb = Kysely<RecordsSchema>;
export type RecordsTransaction = Transaction<RecordsSchema>;

export interface Records {
  readonly dialect: DialectName;
  /** Query-time SQL that differs between the two databases. */
  readonly queries: DialectQueries;
  /** The query builder; single statements run as they are. */
  readonly db: RecordsDb;
  /**
   * Runs `fn` in one transaction: all of it or none. On SQLite no document write lands in the
   * middle of it (see `exclusive`). Keep it to database work: no network calls inside.
   */
  transaction<T>(fn: (trx: RecordsTransaction) => Promise<T>): Promise<T>;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  /** Closes the connection(s); idempotent. */
  close(): Promise<void>;
}

/** Where the records live: a SQLite file in `dataDir`, or the PostgreSQL at `databaseUrl`. */
export type DatabaseTarget = { dataDir: string } | { databaseUrl: string };

export interface OpenedDatabase {
  records: Records;
  /** Versions of the migrations this open applied (empty when the schema was current). */
  migrated: number[];
  /** The documents' storage on the same database. */
  documents: DocumentStorage;
}

export interface OpenOptions {
  logger: Logger;
  migrations?: readonly Migration[];
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
}

/** Opens the database, applies pending migrations, and returns the records and documents on it. */
export async function openDatabase(
  target: DatabaseTarget,
  options: OpenOptions
): Promise<OpenedDatabase> {
  return 'databaseUrl' in target
    ? openPostgres(target.databaseUrl, options)
    : openSqliteDatabase(target.dataDir, options);
}

/** Whether `target` names a PostgreSQL database (for messages and /readyz). */
export function targetDialect(target: DatabaseTarget): DialectName {
  return 'databaseUrl' in target ? 'postgres' : 'sqlite';
}

// ── SQLite ─────────────────────────────────────────────────────────────────────────────────

/**
 * Serialises callers on one promise chain. On SQLite the records and the documents share one
 * connection; a records transaction spans several awaits, and a document append landing in
 * between would silently join it (better-sqlite3 turns it into a savepoint) and vanish if the
 * transaction rolled back after the append was acknowledged. So both take this lock.
 */
function createExclusive() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => T | Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}

/**
 * better-sqlite3 behind Kysely with its statements prepared once per SQL text: preparing costs
 * far more than a lookup, and each prepared statement holds native memory until V8 collects its
 * wrapper. Kysely runs one query at a time on this connection and never streams here, so a
 * cached statement is never in use twice. Bounded: the oldest texts are dropped first.
 */
function cachingDatabase(db: Database.Database, maxStatements = 500) {
  const cache = new Map<string, Database.Statement>();
  return {
    close() {
      if (db.open) db.close();
    },
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text);
      } else {
        statement = db.prepare(text);
        if (cache.size >= maxStatements) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, statement);
      return statement;
    }
  };
}

/**
 * Opens (creating if needed) `runboard.sqlite` in `dataDir`.
 *
 * WAL with synchronous=NORMAL: a committed transaction survives a crash of the process
 * (SIGKILL included); only an OS crash or power loss can drop the last commits.
 */
async function openSqliteDatabase(dataDir: string, options: OpenOptions): Promise<OpenedDatabase> {
  // DATA_DIR comes from the validated configuration, never from a request.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  mkdirSync(dataDir, { recursive: true });
  const handle = new Database(join(dataDir, SQLITE_FILE_NAME));
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('busy_timeout = 5000');
  let migrated: number[];
  try {
    migrated = migrateSqlite(handle, options.migrations ?? allMigrations);
  } catch (error) {
    handle.close();
    throw error;
  }
  const exclusive = createExclusive();
  const db = new Kysely<RecordsSchema>({
    dialect: new SqliteDialect({ database: cachingDatabase(handle) })
  });
  const records: Records = {
    dialect: 'sqlite',
    queries: dialectQueries.sqlite,
    db,
    transaction: (fn) => exclusive(() => db.transaction().execute(fn)),
    async ping() {
      await sql`SELECT 1`.execute(db);
    },
    async close() {
      if (handle.open) await db.destroy();
    }
  };
  return { records, migrated, documents: new SqliteStorage(handle, { exclusive }) };
}

/** Applies every migration newer than the database's version, each in its own transaction. */
function migrateSqlite(db: Database.Database, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
    v: number | null;
  };
  const current = row.v ?? 0;
  const applied: number[] = [];
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)'
  );
  for (const migration of pending(migrations, current)) {
    db.transaction(() => {
      db.exec(migration.sql(dialects.sqlite));
      record.run(migration.version, migration.name, Date.now());
    })();
    applied.push(migration.version);
  }
  return applied;
}

function pending(migrations: readonly Migration[], current: number): Migration[] {
  return [...migrations].sort((a, b) => a.version - b.version).filter((m) => m.version > current);
}

// ── PostgreSQL ─────────────────────────────────────────────────────────────────────────────

/** 64-bit integers (epoch ms, sequence numbers) as numbers: they stay far below 2^53. */
const INT8_OID = 20;
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser']
};

async function openPostgres(url: string, options: OpenOptions): Promise<OpenedDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    query_timeout: 30_000,
    keepAlive: true,
    types: pgTypes
  });
  let documents: PostgresStorage;
  let migrated: number[];
  try {
    migrated = await applyMigrations(
      pool,
      (options.migrations ?? allMigrations).map((m) => ({ ...m, sql: m.sql(dialects.postgres) }))
    );
    // Its own migrations find version 1 applied; it shares the pool (and adds the listener for
    // errors of idle connections, which would otherwise end the process).
    documents = await PostgresStorage.open(pool, { logger: options.logger, closePool: false });
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  const db = new Kysely<RecordsSchema>({ dialect: new PostgresDialect({ pool }) });
  let closed: Promise<void> | null = null;
  const records: Records = {
    dialect: 'postgres',
    queries: dialectQueries.postgres,
    db,
    transaction: (fn) => db.transaction().execute(fn),
    async ping() {
      await sql`SELECT 1`.execute(db);
    },
    close() {
      // Kysely's destroy ends the pool the documents share; they close first.
      closed ??= documents.close().then(() => db.destroy());
      return closed;
    }
  };
  return { records, migrated, documents };
}

export type { DialectName, DialectSql };
