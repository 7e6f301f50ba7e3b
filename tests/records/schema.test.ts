/**
 * The one migration history on both databases: it applies cleanly, gives both the same tables
 * and columns, keeps the audit log append-only, and every table is either copied by a backup or
 * named (with the reason) as not copied, so a table added later cannot silently miss backups.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKUP_TABLES, NOT_BACKED_UP } from '../../src/lib/server/db/backup';
import { migrations } from '../../src/lib/server/db/migrations/index';
import type { OpenedDatabase } from '../../src/lib/server/db/records';
import { openTestDatabase, type TestBackendName } from '../helpers/database';
import { postgresSkipReason } from '../helpers/postgres';
import { tempDataDir } from '../helpers/sync-server';

const pgSkip = await postgresSkipReason();
const opened: OpenedDatabase[] = [];
afterAll(async () => {
  for (const db of opened) await db.records.close();
});

/** Table → sorted column names, as the database itself reports them. */
async function columnsOf(db: OpenedDatabase): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  if (db.records.dialect === 'sqlite') {
    const tables = await sql<{ name: string }>`
      SELECT name FROM sqlite_master WHERE type = 'table'
        AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'runbook_search_%'
        AND name NOT LIKE 'archived_task_search_%'`.execute(db.records.db);
    for (const { name } of tables.rows) {
      const columns = await sql<{
        name: string;
      }>`SELECT name FROM pragma_table_info(${name})`.execute(db.records.db);
      out[name] = columns.rows.map((c) => c.name).sort();
    }
  } else {
    const rows = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public'`.execute(db.records.db);
    for (const row of rows.rows) (out[row.table_name] ??= []).push(row.column_name);
    for (const name of Object.keys(out)) out[name]!.sort();
  }
  return out;
}

async function open(backend: TestBackendName): Promise<OpenedDatabase> {
  const db = await openTestDatabase(tempDataDir('runboard-schema-'), backend);
  opened.push(db);
  return db;
}

describe('the migration history', () => {
  it.skipIf(pgSkip !== null)(
    'gives SQLite and PostgreSQL the same tables and columns',
    async () => {
      const sqlite = await columnsOf(await open('sqlite'));
      const postgres = await columnsOf(await open('postgres'));
      for (const table of ['runbook_search', 'archived_task_search']) {
        // PostgreSQL's full-text table carries its generated tsvector; FTS5 keeps it inside.
        postgres[table] = postgres[table]!.filter((c) => c !== 'words');
        // FTS5 reports its own columns only; the row id is implicit there.
        sqlite[table] = [...sqlite[table]!, 'rowid'].sort();
      }
      expect(postgres).toEqual(sqlite);
    }
  );

  it('records every migration, once, on reopening too', async () => {
    const dir = tempDataDir('runboard-schema-');
    const first = await openTestDatabase(dir, 'sqlite');
    expect(first.migrated).toEqual(migrations.map((m) => m.version));
    await first.records.close();
    const again = await openTestDatabase(dir, 'sqlite');
    opened.push(again);
    expect(again.migrated).toEqual([]);
  });

  it('names every table in a backup or in the list of tables it leaves out', async () => {
    const tables = Object.keys(await columnsOf(await open('sqlite'))).sort();
    const covered = [...BACKUP_TABLES.map((t) => t.table), ...Object.keys(NOT_BACKED_UP)].sort();
    expect(covered).toEqual(tables);
  });

  for (const backend of ['sqlite', 'postgres'] as const) {
    it.skipIf(backend === 'postgres' && pgSkip !== null)(
      `keeps the audit log append-only on ${backend}`,
      async () => {
        const { records } = await open(backend);
        await records.db
          .insertInto('audit_log')
          .values({
            workspace_id: null,
            actor_id: null,
            actor_label: 'test',
            action: 'user.created',
            target: null,
            details: null,
            ip: null,
            user_agent: null,
            created_at: Date.now()
          })
          .execute();
        await expect(
          records.db.updateTable('audit_log').set({ action: 'forged' }).execute()
        ).rejects.toThrow(/append-only/);
        await expect(records.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
        if (backend === 'postgres') {
          await expect(sql`TRUNCATE audit_log`.execute(records.db)).rejects.toThrow(/append-only/);
        }
        const left = await records.db.selectFrom('audit_log').select('action').execute();
        expect(left).toEqual([{ action: 'user.created' }]);
      }
    );
  }
});
