/**
 * The durable document-storage backends every storage-touching suite runs against: SQLite (a
 * fresh data directory) and PostgreSQL (a fresh database on the machine's server, dropped in
 * `teardown`; see tests/helpers/postgres.ts). Outside CI, PostgreSQL is skipped with a reason
 * when it is not reachable; under CI it always runs.
 */
import { openDatabase } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import { PostgresStorage } from '../../sync-server/storage/postgres-storage';
import type { DocumentStorage } from '../../sync-server/storage/types';
import { createTestDatabase, postgresSkipReason, type TestDatabase } from './postgres';
import { tempDataDir } from './sync-server';

export interface StorageBackend {
  name: string;
  /** Set when the backend cannot run on this machine (never under CI). */
  skip?: string | null;
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
  open(): Promise<DocumentStorage>;
  /** Opens another handle on the same store (durable backends only). */
  reopen?: () => Promise<DocumentStorage>;
}

/** SQLite in a fresh data directory. */
export function sqliteBackend(): StorageBackend {
  const dir = tempDataDir('runboard-store-');
  const open = async () =>
    (await openDatabase({ dataDir: dir }, { logger: createLogger('error') })).documents;
  return { name: 'sqlite', open, reopen: open };
}

const pgSkip = await postgresSkipReason();

/** PostgreSQL in a fresh database, created by `setup` and dropped by `teardown`. */
export function postgresBackend(): StorageBackend {
  let database: TestDatabase | null = null;
  const open = () => {
    if (!database) throw new Error('the PostgreSQL test database was not created');
    return PostgresStorage.open(database.url, { logger: createLogger('error') });
  };
  return {
    name: 'postgres',
    skip: pgSkip,
    setup: async () => {
      database = await createTestDatabase();
    },
    teardown: async () => {
      await database?.drop();
    },
    open,
    reopen: open
  };
}

/** Both durable backends, in the order the suites run them. */
export const durableBackends: (() => StorageBackend)[] = [sqliteBackend, postgresBackend];
