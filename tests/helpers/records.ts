/**
 * The records database on both backends, for store suites (tests/records): each suite runs once
 * per backend (`recordsBackends`), on a fresh SQLite file or a fresh PostgreSQL database (dropped
 * after the file, tests/setup/databases.ts). Outside CI, PostgreSQL is skipped with a reason when
 * it is not reachable; under CI it always runs.
 */
import { afterAll } from 'vitest';
import { rmSync } from 'node:fs';
import type { OpenedDatabase } from '../../src/lib/server/db/records';
import { openTestDatabase, type TestBackendName } from './database';
import { postgresSkipReason } from './postgres';
import { tempDataDir } from './sync-server';

const pgSkip = await postgresSkipReason();

export interface RecordsBackend {
  name: TestBackendName;
  /** Set when the backend cannot run on this machine (never under CI). */
  skip: string | null;
}

/** Both backends, in the order the suites run them. */
export const recordsBackends: readonly RecordsBackend[] = [
  { name: 'sqlite', skip: null },
  { name: 'postgres', skip: pgSkip }
];

const opened: OpenedDatabase[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(opened.splice(0).map((database) => database.records.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh, migrated database on `backend` with its data directory (where a SQLite file lives;
 * on PostgreSQL only what a test puts there). Closed after the file.
 */
export async function openTestRecords(
  backend: TestBackendName
): Promise<OpenedDatabase & { dataDir: string }> {
  const dataDir = tempDataDir(`runboard-records-${backend}-`);
  dirs.push(dataDir);
  const database = await openTestDatabase(dataDir, backend);
  opened.push(database);
  return { ...database, dataDir };
}
