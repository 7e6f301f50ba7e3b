/**
 * The database behind a test's DATA_DIR. Suites run on SQLite (a file in the DATA_DIR) by
 * default; with `RUNBOARD_TEST_DATABASE=postgres` (CI's second pass) every DATA_DIR gets a
 * fresh PostgreSQL database of its own, which the app under test receives as DATABASE_URL and
 * which seeding and inspection helpers open too. Databases are dropped after each test file
 * (tests/setup/databases.ts).
 */
import {
  openDatabase,
  type DatabaseTarget,
  type OpenedDatabase
} from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import { createTestDatabase, type TestDatabase } from './postgres';

export type TestBackendName = 'sqlite' | 'postgres';

/** The backend of this run. */
export const testBackend: TestBackendName =
  process.env.RUNBOARD_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

const databases = new Map<string, Promise<TestDatabase>>();

/** Where the records and documents of `dataDir` live in this run (created on first use). */
export async function databaseTargetFor(
  dataDir: string,
  backend: TestBackendName = testBackend
): Promise<DatabaseTarget> {
  if (backend === 'sqlite') return { dataDir };
  let database = databases.get(dataDir);
  if (!database) {
    database = createTestDatabase();
    databases.set(dataDir, database);
  }
  return { databaseUrl: (await database).url };
}

/** Environment for an app or sync process on `dataDir` (DATABASE_URL in the PostgreSQL run). */
export async function databaseEnvFor(dataDir: string): Promise<Record<string, string>> {
  const target = await databaseTargetFor(dataDir);
  // With DATABASE_URL, credentials need RUNBOARD_SECRET_KEY (no key file in DATA_DIR).
  return 'databaseUrl' in target
    ? { DATABASE_URL: target.databaseUrl, RUNBOARD_SECRET_KEY: TEST_SECRET_KEY }
    : {};
}

/** The key the PostgreSQL runs seal credentials under (tests only). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

/** Opens (and migrates) the database of `dataDir`, as the app would. Close it after use. */
export async function openTestDatabase(
  dataDir: string,
  backend: TestBackendName = testBackend
): Promise<OpenedDatabase> {
  return openDatabase(await databaseTargetFor(dataDir, backend), {
    logger: createLogger('error'),
    poolSize: 2
  });
}

/** Drops every PostgreSQL database this file created. */
export async function dropTestDatabases(): Promise<void> {
  const all = [...databases.values()];
  databases.clear();
  await Promise.all(all.map(async (database) => (await database).drop()));
}
