import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrations as allMigrations, type Migration } from './migrations/index';

export type SqliteDatabase = Database.Database;

/** File name of the SQLite database inside DATA_DIR. */
export const SQLITE_FILE_NAME = 'runboard.sqlite';

/**
 * Opens (creating if needed) the SQLite database in `dataDir` and applies pending migrations.
 *
 * WAL with synchronous=NORMAL: a committed transaction survives a crash of the process
 * (SIGKILL included); only an OS crash or power loss can drop the last commits.
 */
export function openSqlite(dataDir: string, migrations: readonly Migration[] = allMigrations) {
  // DATA_DIR comes from the validated configuration, never from a request.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

/** Applies every migration newer than the database's version, each in its own transaction. */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[]): number[] {
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
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    })();
    applied.push(migration.version);
  }
  return applied;
}
