/**
 * Backup and restore of a whole store (records and documents), between either database.
 *
 * The file is gzip-compressed JSON lines:
 *   {"format":"runboard-backup","version":1,"createdAt":…,"source":"sqlite","schemaVersion":5}
 *   {"table":"users","row":{…}}                  one line per record; bytes as {"$b64":"…"}
 *   {"document":"acme.board","state":"<b64>"}     one line per document: its merged Yjs state
 *   {"end":true,"counts":{…},"documents":{"acme.board":"<sha256>"}}
 * The last line lets a restore verify that it read everything and that each document came out
 * as it went in (the hash is over the document's re-encoded state, so it does not depend on how
 * the updates were split or compacted on either side).
 *
 * A backup is one consistent copy: it reads everything in one transaction (a snapshot: a
 * REPEATABLE READ transaction on PostgreSQL, a read transaction on SQLite's WAL). Derived tables
 * (the runbook index and its full-text table) are not copied; a restore rebuilds them from the
 * documents through the caller's `rebuild`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import * as Y from 'yjs';
import type { DocumentStorage } from '../../../../sync-server/storage/types';
import { DomainError } from '../../shared/model/domain-error';
import type { Records, RecordsTransaction } from './records';
import type { RecordsSchema } from './schema';

export const BACKUP_FORMAT = 'runboard-backup';
export const BACKUP_VERSION = 1;

type TableName = keyof RecordsSchema & string;

interface TableSpec {
  table: TableName;
  /** Columns giving a stable order (and the paging key). */
  orderBy: readonly string[];
  /** Columns the database generates; not restored (the order of rows keeps their sense). */
  generated?: readonly string[];
}

/**
 * The record tables a backup holds, parents before children. Every table of the schema is here
 * or in `NOT_BACKED_UP` (a test checks), so a new table cannot be silently left out.
 */
export const BACKUP_TABLES: readonly TableSpec[] = [
  { table: 'users', orderBy: ['id'] },
  { table: 'workspaces', orderBy: ['id'] },
  { table: 'memberships', orderBy: ['workspace_id', 'user_id'] },
  { table: 'sessions', orderBy: ['id'] },
  { table: 'invites', orderBy: ['id'] },
  { table: 'api_tokens', orderBy: ['id'] },
  { table: 'oidc_identities', orderBy: ['issuer', 'subject'] },
  { table: 'audit_log', orderBy: ['seq'], generated: ['seq'] },
  { table: 'task_key_counters', orderBy: ['workspace_id'] },
  { table: 'task_key_assignments', orderBy: ['workspace_id', 'task_id'] },
  { table: 'runbook_versions', orderBy: ['id'] },
  { table: 'files', orderBy: ['workspace_id', 'id'] },
  { table: 'file_contents', orderBy: ['workspace_id', 'id'] },
  { table: 'task_activity', orderBy: ['workspace_id', 'id'] },
  { table: 'task_activity_imports', orderBy: ['workspace_id'] },
  { table: 'document_generations', orderBy: ['name', 'generation'] },
  { table: 'archived_tasks', orderBy: ['row_id'], generated: ['row_id'] },
  { table: 'integrations', orderBy: ['id'] },
  { table: 'incidents', orderBy: ['id'] },
  { table: 'alert_occurrences', orderBy: ['integration_id', 'fingerprint', 'starts_at'] },
  { table: 'incident_events', orderBy: ['seq'], generated: ['seq'] },
  { table: 'notification_channels', orderBy: ['id'] },
  { table: 'outbox', orderBy: ['id'] },
  { table: 'weekly_reports', orderBy: ['workspace_id'] },
  { table: 'ai_anomaly_settings', orderBy: ['workspace_id'] },
  {
    table: 'ai_anomaly_claims',
    orderBy: ['workspace_id', 'series', 'group_kind', 'group_value', 'start_at']
  },
  { table: 'oncall_schedules', orderBy: ['id'] },
  { table: 'oncall_overrides', orderBy: ['id'] },
  { table: 'escalation_policies', orderBy: ['id'] },
  { table: 'incident_escalations', orderBy: ['incident_id'] },
  { table: 'maintenance_windows', orderBy: ['id'] },
  { table: 'cmdb_history', orderBy: ['workspace_id', 'id'] },
  { table: 'changes', orderBy: ['id'] },
  { table: 'change_items', orderBy: ['change_id', 'item_id'] },
  { table: 'change_approvals', orderBy: ['change_id', 'kind', 'user_id'] },
  { table: 'change_events', orderBy: ['seq'], generated: ['seq'] },
  { table: 'freezes', orderBy: ['id'] },
  { table: 'change_policies', orderBy: ['workspace_id'] },
  { table: 'incident_change_causes', orderBy: ['incident_id', 'change_id'] },
  { table: 'incident_items', orderBy: ['incident_id', 'item_id'] },
  { table: 'automation_jobs', orderBy: ['id'] },
  { table: 'automation_credentials', orderBy: ['id'] },
  { table: 'automation_runs', orderBy: ['id'] },
  { table: 'automation_run_logs', orderBy: ['run_id'] },
  { table: 'automation_runners', orderBy: ['id'] },
  { table: 'ai_evaluations', orderBy: ['workspace_id'] }
];

/** Tables that are not copied row by row, and why. */
export const NOT_BACKED_UP: Readonly<Record<string, string>> = {
  automation_run_output:
    'output of runs still going; a restored run that was going is interrupted, its output is lost',
  schema_migrations: 'the target migrates itself; the backup names its schema version',
  document_snapshots: 'documents are copied as their merged state',
  document_updates: 'documents are copied as their merged state',
  runbooks: 'derived from the runbook documents; rebuilt on restore',
  runbook_search: 'derived from the runbook documents; rebuilt on restore',
  archived_task_search: 'derived from archived_tasks.search_text; rebuilt as its rows are restored',
  task_cards: 'derived from the board documents; rebuilt when a board loads',
  cmdb_items: 'derived from the CMDB documents; rebuilt when one loads',
  cmdb_relations: 'derived from the CMDB documents; rebuilt when one loads',
  cmdb_mirrors: "the CMDB documents' state the mirrored rows hold; dropped, so they are rebuilt",
  task_card_mirrors: 'derived from the board documents; rebuilt when a board loads',
  ai_items:
    'derived from tasks, the archive, runbooks and CIs; re-embedded when a workspace is searched'
};

export interface BackupSummary {
  /** Rows per table. */
  counts: Record<string, number>;
  /** sha256 of each document's state, by document name. */
  documents: Record<string, string>;
}

export interface Progress {
  (step: { phase: 'records' | 'documents' | 'rebuild'; name: string; done: number }): void;
}

const PAGE_ROWS = 1000;

type Row = Record<string, unknown>;

function encodeValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b64: Buffer.from(value).toString('base64') };
  return value;
}

function decodeValue(value: unknown): unknown {
  if (value && typeof value === 'object' && '$b64' in value) {
    return new Uint8Array(Buffer.from(String((value as { $b64: unknown }).$b64), 'base64'));
  }
  return value;
}

/** The state of a document as re-encoded by a fresh Y.Doc, and its sha256. */
export function documentState(updates: readonly Uint8Array[]): { state: Uint8Array; hash: string } {
  const doc = new Y.Doc();
  try {
    for (const update of updates) Y.applyUpdate(doc, update);
    const state = Y.encodeStateAsUpdate(doc);
    return { state, hash: createHash('sha256').update(state).digest('hex') };
  } finally {
    doc.destroy();
  }
}

async function schemaVersion(db: Records['db'] | RecordsTransaction): Promise<number> {
  const row = await db
    .selectFrom('schema_migrations')
    .select((eb) => eb.fn.max('version').as('v'))
    .executeTakeFirst();
  return Number(row?.v ?? 0);
}

/** Reads a table page by page, in the order of its key columns. */
async function* tableRows(trx: RecordsTransaction, spec: TableSpec): AsyncGenerator<Row> {
  let offset = 0;
  for (;;) {
    let query = trx.selectFrom(spec.table).selectAll();
    for (const column of spec.orderBy) query = query.orderBy(column as never);
    const rows = (await query.limit(PAGE_ROWS).offset(offset).execute()) as Row[];
    yield* rows;
    if (rows.length < PAGE_ROWS) return;
    offset += rows.length;
  }
}

export interface WriteBackupOptions {
  onProgress?: Progress;
  /**
   * The bytes of a file that has a `files` row but no `file_contents` row: one uploaded before
   * file bytes moved into the database, still on disk in DATA_DIR. They go into the backup as
   * `file_contents` rows, so a restore elsewhere (PostgreSQL) has every file.
   */
  fileBytes?: (workspaceId: string, id: string) => Promise<Uint8Array | null>;
}

/** `files` rows without their bytes in the database (uploaded before migration 5). */
async function filesWithoutContents(trx: RecordsTransaction) {
  return trx
    .selectFrom('files')
    .leftJoin('file_contents', (join) =>
      join
        .onRef('file_contents.workspace_id', '=', 'files.workspace_id')
        .onRef('file_contents.id', '=', 'files.id')
    )
    .where('file_contents.id', 'is', null)
    .select(['files.workspace_id', 'files.id'])
    .orderBy('files.workspace_id')
    .orderBy('files.id')
    .execute();
}

/** Writes a backup of everything in `records`' database to `file`. */
export async function writeBackup(
  records: Records,
  file: string,
  options: WriteBackupOptions = {}
): Promise<BackupSummary> {
  const onProgress = options.onProgress ?? (() => {});
  const gzip = createGzip();
  const lines = new PassThrough();
  // The file comes from the operator's command line, never from a request.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  const written = pipeline(lines, gzip, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  const write = async (value: unknown) => {
    if (!lines.write(`${JSON.stringify(value)}\n`)) await once(lines, 'drain');
  };
  const summary: BackupSummary = { counts: {}, documents: {} };
  try {
    const run = async (trx: RecordsTransaction) => {
      await write({
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: new Date().toISOString(),
        source: records.dialect,
        schemaVersion: await schemaVersion(trx)
      });
      for (const spec of BACKUP_TABLES) {
        let count = 0;
        for await (const row of tableRows(trx, spec)) {
          const out: Row = {};
          for (const [column, value] of Object.entries(row)) {
            if (!spec.generated?.includes(column)) out[column] = encodeValue(value);
          }
          await write({ table: spec.table, row: out });
          count++;
        }
        if (spec.table === 'file_contents' && options.fileBytes) {
          for (const missing of await filesWithoutContents(trx)) {
            const data = await options.fileBytes(missing.workspace_id, missing.id);
            if (!data) continue; // Lost from disk: the restored file answers 404, as it does here.
            await write({
              table: 'file_contents',
              row: { workspace_id: missing.workspace_id, id: missing.id, data: encodeValue(data) }
            });
            count++;
          }
        }
        summary.counts[spec.table] = count;
        onProgress({ phase: 'records', name: spec.table, done: count });
      }
      const names = await trx
        .selectFrom('document_snapshots')
        .select('name')
        .union(trx.selectFrom('document_updates').select('name'))
        .orderBy('name')
        .execute();
      let done = 0;
      for (const { name } of names) {
        const snapshot = await trx
          .selectFrom('document_snapshots')
          .select(['snapshot', 'through_seq'])
          .where('name', '=', name)
          .executeTakeFirst();
        const updates = await trx
          .selectFrom('document_updates')
          .select('data')
          .where('name', '=', name)
          .where('seq', '>', snapshot?.through_seq ?? 0)
          .orderBy('seq')
          .execute();
        const { state, hash } = documentState([
          ...(snapshot ? [snapshot.snapshot] : []),
          ...updates.map((u) => u.data)
        ]);
        await write({ document: name, state: Buffer.from(state).toString('base64') });
        summary.documents[name] = hash;
        onProgress({ phase: 'documents', name, done: ++done });
      }
      await write({ end: true, ...summary });
    };
    if (records.dialect === 'postgres') {
      await records.db.transaction().setIsolationLevel('repeatable read').execute(run);
    } else {
      await records.transaction(run);
    }
    lines.end();
    await written;
  } catch (error) {
    lines.destroy(error instanceof Error ? error : new Error(String(error)));
    await written.catch(() => {});
    throw error;
  }
  return summary;
}

/** Rows of every backed-up table and documents; what `restore` refuses to overwrite. */
export async function storeIsEmpty(records: Records): Promise<boolean> {
  for (const table of [
    ...BACKUP_TABLES.map((t) => t.table),
    'document_snapshots',
    'document_updates'
  ] as TableName[]) {
    const row = await records.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    if (Number(row?.n ?? 0) > 0) return false;
  }
  return true;
}

export interface RestoreOptions {
  /** Rebuilds derived data (the runbook index) from the restored documents. */
  rebuild?: (documentNames: readonly string[], onProgress: Progress) => Promise<void>;
  onProgress?: Progress;
}

function badBackup(message: string): DomainError {
  return new DomainError('invalid_input', `not a usable backup: ${message}`);
}

/**
 * Restores `file` into the empty store behind `records` and `documents`, in one records
 * transaction (documents are written after it commits, then verified against their hashes).
 * Refuses a store that holds anything, a file of another format or a newer schema, and a file
 * that ends early.
 */
export async function restoreBackup(
  records: Records,
  documents: DocumentStorage,
  file: string,
  options: RestoreOptions = {}
): Promise<BackupSummary> {
  const onProgress = options.onProgress ?? (() => {});
  if (!(await storeIsEmpty(records))) {
    throw new DomainError(
      'conflict',
      'the target store is not empty; restore only into an empty one'
    );
  }
  const known = new Map(BACKUP_TABLES.map((spec) => [spec.table, spec]));
  const target = await schemaVersion(records.db);
  const counts: Record<string, number> = {};
  const states = new Map<string, Uint8Array>();
  let expected: BackupSummary | null = null;
  let header = false;
  await records.transaction(async (trx) => {
    // Opened once the transaction has started: lines read before the loop below began (while
    // PostgreSQL handed out a connection) would be lost to it.
    // The file comes from the operator's command line, never from a request.
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    const input = createReadStream(file).pipe(createGunzip());
    const reader = createInterface({ input, crlfDelay: Infinity });
    for await (const line of reader) {
      if (line.trim() === '') continue;
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw badBackup('a line is not JSON');
      }
      if (!header) {
        if (entry.format !== BACKUP_FORMAT || entry.version !== BACKUP_VERSION) {
          throw badBackup('unknown format');
        }
        if (typeof entry.schemaVersion !== 'number' || entry.schemaVersion > target) {
          throw badBackup(`made by a newer version (schema ${String(entry.schemaVersion)})`);
        }
        header = true;
        continue;
      }
      if (expected) throw badBackup('data after the end');
      if (typeof entry.table === 'string') {
        const spec = known.get(entry.table as TableName);
        if (!spec || typeof entry.row !== 'object' || entry.row === null) {
          throw badBackup(`unknown table ${entry.table}`);
        }
        const row: Row = {};
        for (const [column, value] of Object.entries(entry.row)) row[column] = decodeValue(value);
        if (spec.table === 'archived_tasks') {
          // Its full-text row is derived from the row itself, under the row's new key.
          const { row_id } = await trx
            .insertInto('archived_tasks')
            .values(row as never)
            .returning('row_id')
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('archived_task_search')
            .values({ rowid: row_id, body: String(row.search_text) })
            .execute();
        } else {
          await trx
            .insertInto(spec.table)
            .values(row as never)
            .execute();
        }
        counts[spec.table] = (counts[spec.table] ?? 0) + 1;
        if (counts[spec.table]! % PAGE_ROWS === 0) {
          onProgress({ phase: 'records', name: spec.table, done: counts[spec.table]! });
        }
      } else if (typeof entry.document === 'string' && typeof entry.state === 'string') {
        states.set(entry.document, new Uint8Array(Buffer.from(entry.state, 'base64')));
      } else if (entry.end === true) {
        expected = entry as unknown as BackupSummary;
      } else {
        throw badBackup('an unknown line');
      }
    }
    if (!header) throw badBackup('empty file');
    if (!expected) throw badBackup('it ends early (no end line): copy it again');
    for (const [table, count] of Object.entries(expected.counts)) {
      if ((counts[table] ?? 0) !== count) {
        throw badBackup(`${table} has ${counts[table] ?? 0} rows, the backup says ${count}`);
      }
    }
  });
  const summary: BackupSummary = { counts, documents: {} };
  let done = 0;
  for (const [name, state] of states) {
    await documents.append(name, [state]);
    const stored = await documents.load(name);
    const { hash } = documentState([
      ...(stored.snapshot ? [stored.snapshot] : []),
      ...stored.updates
    ]);
    // A content hash against the backup's own record of it, not a secret.
    // eslint-disable-next-line security/detect-possible-timing-attacks
    if (hash !== expected!.documents[name]) {
      throw new DomainError('conflict', `document ${name} differs from the backup after restore`);
    }
    summary.documents[name] = hash;
    onProgress({ phase: 'documents', name, done: ++done });
  }
  if (Object.keys(expected!.documents).length !== states.size) {
    throw badBackup('documents are missing');
  }
  await options.rebuild?.([...states.keys()], onProgress);
  return summary;
}
