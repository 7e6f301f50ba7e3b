/**
 * The task archive in the records database (docs/ARCHITECTURE.md, "Board scale", point 2): one
 * `archived_tasks` row per finished task moved out of the live board, with the card as JSON
 * (as `readTask` read it when it moved), the columns lists filter and sort by, the Yjs ids of
 * the moved entry and of its field values (so an offline edit to it can still be applied here:
 * archive-service.ts), and pre-segmented search text in `archived_task_search` (FTS5 on
 * SQLite, a verbatim tsvector on PostgreSQL; the segmentation of runbook search).
 *
 * Not derived data: the row is the only copy of the card once its entry left the board, so
 * backups copy it (db/backup.ts).
 */
import type { Selectable } from 'kysely';
import type { Task } from '../../shared/board/schema';
import type { Records, RecordsTransaction } from '../db/records';
import type { ArchivedTasksTable } from '../db/schema';
import { searchTerms, segmentForIndex } from '../runbooks/search-text';

/** A Yjs item id, `[client, clock]`. */
export type ItemId = readonly [client: number, clock: number];

/**
 * The Yjs ids of a field value of a moved entry (`length` consecutive clocks: deleted values
 * of one client may be merged into one struct), with the field it holds.
 */
export type FieldItemId = readonly [client: number, clock: number, length: number, field: string];

/** A task as the archive keeps it. */
export interface ArchivedTask {
  workspaceId: string;
  /** The card as `readTask` read it when it moved (with later rescued edits applied). */
  task: Task;
  /** When it was finished: the latest of done, resolved and archived. */
  finishedAt: string;
  /** When it moved to the archive. */
  movedAt: string;
  /** Yjs id of the moved task entry (the item holding its map), when known. */
  item: ItemId | null;
  /** Yjs ids of the entry's field values when it moved (every value of every field). */
  itemIds: readonly FieldItemId[];
}

/** What a listing asks for; every filter optional. */
export interface ArchiveQuery {
  q?: string;
  kind?: string;
  status?: string;
  /** A member id; '' lists unassigned tasks. */
  assignee?: string;
  label?: string;
  /** Finished at or after (ISO). */
  from?: string;
  /** Finished before (ISO). */
  to?: string;
  /** From a previous page's `nextCursor`. */
  cursor?: string;
  limit?: number;
}

export interface ArchivePage {
  items: ArchivedTask[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
  /** Matching tasks in all pages. */
  total: number;
}

/** The moved entries of a workspace, for the rescue of offline edits (archive-service.ts). */
export interface MovedEntry {
  taskId: string;
  item: ItemId | null;
  itemIds: readonly FieldItemId[];
}

export const ARCHIVE_LIST_DEFAULT_LIMIT = 50;
export const ARCHIVE_LIST_MAX_LIMIT = 500;

type Row = Selectable<ArchivedTasksTable>;

function parseJson<T>(raw: string, fallback: T): T {
  try {
    return JSON.parse(raw) as T;
  } catch {
    return fallback;
  }
}

function archivedOfRow(row: Row): ArchivedTask {
  const client = row.item_client === null ? null : Number(row.item_client);
  const clock = row.item_clock === null ? null : Number(row.item_clock);
  return {
    workspaceId: row.workspace_id,
    task: parseJson<Task>(row.card, {} as Task),
    finishedAt: row.finished_at,
    movedAt: row.archived_at,
    item: client === null || clock === null ? null : [client, clock],
    itemIds: parseJson<FieldItemId[]>(row.item_ids, [])
  };
}

/** The search text of a card: its key and title (labels are ids; descriptions move out). */
export function archiveSearchText(task: Task): string {
  return segmentForIndex([task.key ?? '', task.title].join(' '));
}

function encodeCursor(finishedAt: string, taskId: string): string {
  return Buffer.from(JSON.stringify([finishedAt, taskId])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] | null {
  const value = parseJson<unknown>(Buffer.from(cursor, 'base64url').toString('utf8'), null);
  return Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string'
    ? [value[0], value[1]]
    : null;
}

/** Rows per INSERT statement (17 columns: well within SQLite's 32,766 variables). */
const UPSERT_CHUNK = 500;

type NewRow = Omit<Row, 'row_id'>;

/** The row of an archived task; segmenting needs no database, so it is done before. */
function rowOf(entry: ArchivedTask): NewRow {
  const { task } = entry;
  return {
    workspace_id: entry.workspaceId,
    task_id: task.id,
    task_key: task.key,
    title: task.title,
    kind: task.kind,
    status: task.status,
    assignee: task.assignee,
    labels: JSON.stringify(task.labels),
    finished_at: entry.finishedAt,
    archived_at: entry.movedAt,
    updated_at: task.updatedAt,
    card: JSON.stringify(task),
    item_client: entry.item?.[0] ?? null,
    item_clock: entry.item?.[1] ?? null,
    item_ids: JSON.stringify(entry.itemIds),
    search_text: archiveSearchText(task)
  };
}

/** Writes rows of one workspace and their search rows: three statements for the lot. */
async function upsertChunk(trx: RecordsTransaction, rows: NewRow[]): Promise<void> {
  const written = await trx
    .insertInto('archived_tasks')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['workspace_id', 'task_id']).doUpdateSet((eb) => ({
        task_key: eb.ref('excluded.task_key'),
        title: eb.ref('excluded.title'),
        kind: eb.ref('excluded.kind'),
        status: eb.ref('excluded.status'),
        assignee: eb.ref('excluded.assignee'),
        labels: eb.ref('excluded.labels'),
        finished_at: eb.ref('excluded.finished_at'),
        archived_at: eb.ref('excluded.archived_at'),
        updated_at: eb.ref('excluded.updated_at'),
        card: eb.ref('excluded.card'),
        item_client: eb.ref('excluded.item_client'),
        item_clock: eb.ref('excluded.item_clock'),
        item_ids: eb.ref('excluded.item_ids'),
        search_text: eb.ref('excluded.search_text')
      }))
    )
    .returning(['row_id', 'workspace_id', 'task_id'])
    .execute();
  const text = new Map(
    rows.map((row) => [`${row.workspace_id}\u0000${row.task_id}`, row.search_text])
  );
  const ids = written.map((row) => row.row_id);
  await trx.deleteFrom('archived_task_search').where('rowid', 'in', ids).execute();
  await trx
    .insertInto('archived_task_search')
    .values(
      written.map((row) => ({
        rowid: row.row_id,
        body: text.get(`${row.workspace_id}\u0000${row.task_id}`) ?? ''
      }))
    )
    .execute();
}

/**
 * Writes (or replaces) the rows of `entries` inside the caller's transaction: the history
 * import (import/import-store.ts) writes them with the members and incidents they refer to.
 */
export async function upsertArchivedIn(
  trx: RecordsTransaction,
  entries: readonly ArchivedTask[]
): Promise<void> {
  const rows = [...new Map(entries.map((entry) => [entry.task.id, entry])).values()].map(rowOf);
  for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
    await upsertChunk(trx, rows.slice(start, start + UPSERT_CHUNK));
  }
}

/** The archive of one database. */
export class ArchiveStore {
  constructor(private readonly records: Records) {}

  /**
   * Writes (or replaces) the rows of `tasks`, all in one records transaction. Segmenting is
   * done before the transaction: it needs no database.
   */
  async upsert(entries: readonly ArchivedTask[]): Promise<void> {
    if (entries.length === 0) return;
    // The last write of a task wins, as one by one.
    const byTask = new Map(entries.map((entry) => [entry.task.id, entry]));
    const rows = [...byTask.values()].map(rowOf);
    await this.records.transaction(async (trx) => {
      for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
        await upsertChunk(trx, rows.slice(start, start + UPSERT_CHUNK));
      }
    });
  }

  /** One archived task by id, or null. */
  async get(workspaceId: string, taskId: string): Promise<ArchivedTask | null> {
    const row = await this.records.db
      .selectFrom('archived_tasks')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('task_id', '=', taskId)
      .executeTakeFirst();
    return row ? archivedOfRow(row) : null;
  }

  /** One archived task by its human key (case-insensitive), or null. */
  async getByKey(workspaceId: string, key: string): Promise<ArchivedTask | null> {
    const row = await this.records.db
      .selectFrom('archived_tasks')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('task_key', '=', key.toUpperCase())
      .executeTakeFirst();
    return row ? archivedOfRow(row) : null;
  }

  /** By id, else by human key (as deep links name tasks), or null. */
  async find(workspaceId: string, keyOrId: string): Promise<ArchivedTask | null> {
    return (await this.get(workspaceId, keyOrId)) ?? (await this.getByKey(workspaceId, keyOrId));
  }

  /**
   * A page of the archive, most recently finished first (then by id, descending), with the
   * total of matching tasks. `q` matches words of the key and title (every word, prefixes).
   */
  async list(workspaceId: string, query: ArchiveQuery = {}): Promise<ArchivePage> {
    const limit = Math.min(
      Math.max(1, query.limit ?? ARCHIVE_LIST_DEFAULT_LIMIT),
      ARCHIVE_LIST_MAX_LIMIT
    );
    const base = this.filtered(workspaceId, query);
    if (base === null) return { items: [], nextCursor: null, total: 0 };
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await base
      .$if(after !== null, (qb) =>
        qb.where((eb) =>
          eb.or([
            eb('a.finished_at', '<', after![0]),
            eb.and([eb('a.finished_at', '=', after![0]), eb('a.task_id', '<', after![1])])
          ])
        )
      )
      .selectAll('a')
      .orderBy('a.finished_at', 'desc')
      .orderBy('a.task_id', 'desc')
      .limit(limit + 1)
      .execute();
    const counted = await base
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(archivedOfRow),
      nextCursor: rows.length > limit && last ? encodeCursor(last.finished_at, last.task_id) : null,
      total: Number(counted?.n ?? 0)
    };
  }

  /** The rows a listing selects; null when the text can match nothing. */
  private filtered(workspaceId: string, query: ArchiveQuery) {
    const { queries } = this.records;
    const q = query.q?.trim() ?? '';
    const { kind, status, assignee, label, from, to } = query;
    const select = this.records.db
      .selectFrom('archived_tasks as a')
      .where('a.workspace_id', '=', workspaceId)
      .$if(kind !== undefined, (qb) => qb.where('a.kind', '=', kind!))
      .$if(status !== undefined, (qb) => qb.where('a.status', '=', status!))
      .$if(assignee === '', (qb) => qb.where('a.assignee', 'is', null))
      .$if(assignee !== undefined && assignee !== '', (qb) =>
        qb.where('a.assignee', '=', assignee!)
      )
      .$if(label !== undefined && label !== '', (qb) =>
        qb.where(queries.jsonArrayContains('a.labels', label!))
      )
      .$if(from !== undefined, (qb) => qb.where('a.finished_at', '>=', from!))
      .$if(to !== undefined, (qb) => qb.where('a.finished_at', '<', to!));
    if (q === '') return select;
    const match = queries.fullTextMatch('archived_task_search', searchTerms(q));
    if (match === null) return null;
    // The matching row ids once, as a set: joined instead, SQLite may walk the date index and
    // run the full-text query once per row (seconds on 50,000 rows).
    const matching = this.records.db
      .selectFrom('archived_task_search')
      .select('archived_task_search.rowid')
      .where(match);
    return select.where('a.row_id', 'in', matching);
  }

  /** Deletes the rows of `taskIds`; returns how many there were. */
  async delete(workspaceId: string, taskIds: readonly string[]): Promise<number> {
    if (taskIds.length === 0) return 0;
    return this.records.transaction(async (trx) => {
      const rows = await trx
        .deleteFrom('archived_tasks')
        .where('workspace_id', '=', workspaceId)
        .where('task_id', 'in', [...taskIds])
        .returning('row_id')
        .execute();
      if (rows.length > 0) {
        // On PostgreSQL the foreign key already took them; FTS5 has none.
        await trx
          .deleteFrom('archived_task_search')
          .where(
            'rowid',
            'in',
            rows.map((r) => r.row_id)
          )
          .execute();
      }
      return rows.length;
    });
  }

  /** Number of archived tasks of a workspace. */
  async count(workspaceId: string): Promise<number> {
    const row = await this.records.db
      .selectFrom('archived_tasks')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The Yjs ids of every moved entry of a workspace (loaded once per board load). */
  /**
   * Forgets the Yjs ids kept for `taskIds` (their rows stay): after a rebase of the board no
   * client can write under them any more, and a load need not read them again.
   */
  async forgetMovedIds(workspaceId: string, taskIds: readonly string[]): Promise<void> {
    for (let i = 0; i < taskIds.length; i += 500) {
      await this.records.db
        .updateTable('archived_tasks')
        .set({ item_client: null, item_clock: null, item_ids: '[]' })
        .where('workspace_id', '=', workspaceId)
        .where('task_id', 'in', taskIds.slice(i, i + 500))
        .execute();
    }
  }

  /** The Yjs ids of the moved entries of a workspace, or of `taskIds` only. */
  async movedEntries(workspaceId: string, taskIds?: readonly string[]): Promise<MovedEntry[]> {
    if (taskIds !== undefined && taskIds.length > 500) {
      const parts: MovedEntry[] = [];
      for (let i = 0; i < taskIds.length; i += 500) {
        parts.push(...(await this.movedEntries(workspaceId, taskIds.slice(i, i + 500))));
      }
      return parts;
    }
    if (taskIds !== undefined && taskIds.length === 0) return [];
    let query = this.records.db
      .selectFrom('archived_tasks')
      .select(['task_id', 'item_client', 'item_clock', 'item_ids'])
      .where('workspace_id', '=', workspaceId);
    if (taskIds !== undefined) query = query.where('task_id', 'in', taskIds);
    const rows = await query.execute();
    return rows.map((row) => ({
      taskId: row.task_id,
      item:
        row.item_client === null || row.item_clock === null
          ? null
          : [Number(row.item_client), Number(row.item_clock)],
      itemIds: parseJson<FieldItemId[]>(row.item_ids, [])
    }));
  }
}
