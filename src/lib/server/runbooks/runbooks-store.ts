/**
 * The runbook library index in the records database: one row per runbook (metadata and plain
 * text) and its full-text row of pre-segmented text (FTS5 on SQLite, a tsvector on
 * PostgreSQL; see db/dialect.ts). Derived data (docs/design.md §3): written only from runbook
 * documents — by the sync extension on loaded documents and after REST writes — and
 * rebuildable from them at any time.
 */
import { sql, type Selectable } from 'kysely';
import { isReviewDue } from '../../shared/runbooks/runbook-model';
import type { AlertMatcher, RunbookMeta, RunbookSummary } from '../../shared/runbooks/schema';
import type { Records } from '../db/records';
import type { RunbooksTable } from '../db/schema';
import { searchTerms, segmentForIndex, snippetFor } from './search-text';

export type ArchivedFilter = 'exclude' | 'include' | 'only';

export interface RunbookSearch {
  q?: string;
  tag?: string;
  archived?: ArchivedFilter;
  limit?: number;
  /** Matching runbooks to skip, for paging. */
  offset?: number;
}

type Row = Selectable<RunbooksTable>;

function parseList<T>(raw: string): T[] {
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

function metaOfRow(row: Row): RunbookMeta {
  return {
    id: row.id,
    title: row.title,
    tags: parseList<string>(row.tags),
    ownerId: row.owner_id,
    services: parseList<string>(row.services),
    cis: parseList<string>(row.cis),
    alertMatchers: parseList<AlertMatcher>(row.alert_matchers),
    reviewedAt: row.reviewed_at,
    reviewIntervalDays: row.review_interval_days,
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at
  };
}

/** A summary of an index row at `now`, with a snippet for `q` when given. */
function summaryOfRow(row: Row, now: Date, q?: string): RunbookSummary {
  const meta = metaOfRow(row);
  const summary: RunbookSummary = { ...meta, reviewDue: isReviewDue(meta, now) };
  if (q) {
    const snippet = snippetFor(row.plain_text, q);
    if (snippet !== null) summary.snippet = snippet;
  }
  return summary;
}

/** Longest page of a library listing. */
export const RUNBOOK_LIST_MAX_LIMIT = 500;

/**
 * Longest segmented body indexed, in characters; the rest of a very long runbook is not
 * searchable (on both databases alike). Keeps a row well inside PostgreSQL's 1 MB tsvector.
 */
export const MAX_INDEXED_BODY_CHARS = 200_000;

/** Column weights of the relevance order: a title word counts ten times a body word. */
const SEARCH_WEIGHTS = { title: 10, body: 1 } as const;

/** `text` cut to at most `max` characters at a token boundary. */
function cutAtToken(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = text.lastIndexOf(' ', max);
  return text.slice(0, end < 0 ? 0 : end);
}

/** The runbook index of one database. */
export class RunbookIndex {
  /** The last write of each runbook: writes of one runbook land in the order they were made. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(private readonly records: Records) {}

  /** Runs `write` after the earlier writes of the same runbook (this process). */
  private serialized(workspaceId: string, id: string, write: () => Promise<void>): Promise<void> {
    const key = `${workspaceId}\u0000${id}`;
    const previous = this.writes.get(key) ?? Promise.resolve();
    const run = previous.then(write, write);
    const settled = run.catch(() => {});
    this.writes.set(key, settled);
    void settled.then(() => {
      if (this.writes.get(key) === settled) this.writes.delete(key);
    });
    return run;
  }

  /** Writes (or replaces) the index entry of one runbook. */
  upsert(workspaceId: string, meta: RunbookMeta, plainText: string): Promise<void> {
    const row = {
      workspace_id: workspaceId,
      id: meta.id,
      title: meta.title,
      tags: JSON.stringify(meta.tags),
      owner_id: meta.ownerId,
      services: JSON.stringify(meta.services),
      cis: JSON.stringify(meta.cis),
      alert_matchers: JSON.stringify(meta.alertMatchers),
      reviewed_at: meta.reviewedAt,
      review_interval_days: meta.reviewIntervalDays,
      created_at: meta.createdAt,
      created_by: meta.createdBy,
      updated_at: meta.updatedAt,
      archived_at: meta.archivedAt,
      plain_text: plainText
    };
    // Segmented before the transaction: it is the slow part, and needs no database.
    const title = segmentForIndex([meta.title, ...meta.tags, ...meta.services].join(' '));
    // Cut before segmenting too: a huge runbook costs no more work than about the part that
    // can be indexed.
    const body = cutAtToken(
      segmentForIndex(plainText.slice(0, MAX_INDEXED_BODY_CHARS)),
      MAX_INDEXED_BODY_CHARS
    );
    return this.serialized(workspaceId, meta.id, () =>
      this.records.transaction(async (trx) => {
        const { workspace_id: _ws, id: _id, ...changes } = row;
        const { row_id } = await trx
          .insertInto('runbooks')
          .values(row)
          .onConflict((oc) => oc.columns(['workspace_id', 'id']).doUpdateSet(changes))
          .returning('row_id')
          .executeTakeFirstOrThrow();
        await trx.deleteFrom('runbook_search').where('rowid', '=', row_id).execute();
        await trx.insertInto('runbook_search').values({ rowid: row_id, title, body }).execute();
      })
    );
  }

  /** Removes the index entry of one runbook. */
  remove(workspaceId: string, id: string): Promise<void> {
    return this.serialized(workspaceId, id, () =>
      this.records.transaction(async (trx) => {
        const row = await trx
          .deleteFrom('runbooks')
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', id)
          .returning('row_id')
          .executeTakeFirst();
        // On PostgreSQL the foreign key already took it; FTS5 has none.
        if (row) await trx.deleteFrom('runbook_search').where('rowid', '=', row.row_id).execute();
      })
    );
  }

  /** One indexed runbook, or null. */
  async get(
    workspaceId: string,
    id: string,
    now: Date = new Date()
  ): Promise<RunbookSummary | null> {
    const row = await this.records.db
      .selectFrom('runbooks')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? summaryOfRow(row, now) : null;
  }

  /**
   * The library: newest first, or best match first when `q` is given (title ten times the
   * weight of the body).
   */
  async search(
    workspaceId: string,
    search: RunbookSearch = {},
    now: Date = new Date()
  ): Promise<RunbookSummary[]> {
    const limit = Math.min(Math.max(1, search.limit ?? 100), RUNBOOK_LIST_MAX_LIMIT);
    const offset = Math.max(0, search.offset ?? 0);
    const q = search.q?.trim() ?? '';
    const terms = searchTerms(q);
    const { queries } = this.records;
    let query = this.filtered(workspaceId, search);
    if (query === null) return [];
    query = q
      ? query.orderBy(queries.fullTextRankAscending('runbook_search', terms, SEARCH_WEIGHTS))
      : query;
    const rows = await query
      .selectAll('r')
      .orderBy('r.updated_at', 'desc')
      .orderBy('r.id')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => summaryOfRow(row, now, q || undefined));
  }

  /** How many runbooks `search` would find without `limit` and `offset`. */
  async count(workspaceId: string, search: RunbookSearch = {}): Promise<number> {
    const query = this.filtered(workspaceId, search);
    if (query === null) return 0;
    const row = await query
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * The runbooks a library search selects (workspace, archived state, tag, text), joined with
   * their search rows when there is text; null when the text can match nothing.
   */
  private filtered(workspaceId: string, search: RunbookSearch) {
    const { queries } = this.records;
    const archived = search.archived ?? 'exclude';
    const tag = search.tag;
    const q = search.q?.trim() ?? '';
    let query = this.records.db
      .selectFrom('runbooks as r')
      .where('r.workspace_id', '=', workspaceId)
      .$if(archived === 'exclude', (qb) => qb.where('r.archived_at', 'is', null))
      .$if(archived === 'only', (qb) => qb.where('r.archived_at', 'is not', null))
      .$if(tag !== undefined && tag !== '', (qb) =>
        qb.where(queries.jsonArrayContains('r.tags', tag ?? ''))
      );
    if (q === '') return query;
    const match = queries.fullTextMatch('runbook_search', searchTerms(q));
    if (match === null) return null;
    query = query.innerJoin('runbook_search', 'runbook_search.rowid', 'r.row_id').where(match);
    return query;
  }

  /**
   * Runbooks (not archived) with a matcher equal to the alert's `service` or `alertname`
   * (case-insensitive); runbooks matching both labels come first.
   */
  async match(
    workspaceId: string,
    labels: { service?: string; alertname?: string },
    now: Date = new Date()
  ): Promise<RunbookSummary[]> {
    const wanted: Array<[string, string]> = [];
    if (labels.service) wanted.push(['service', labels.service.toLowerCase()]);
    if (labels.alertname) wanted.push(['alertname', labels.alertname.toLowerCase()]);
    if (wanted.length === 0) return [];
    const rows = await this.records.db
      .selectFrom('runbooks')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('archived_at', 'is', null)
      .where('alert_matchers', '<>', '[]')
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .execute();
    const scored: Array<{ row: Row; score: number }> = [];
    for (const row of rows) {
      const matchers = parseList<AlertMatcher>(row.alert_matchers);
      const score = wanted.filter(([label, value]) =>
        matchers.some((m) => m.label === label && m.value.toLowerCase() === value)
      ).length;
      if (score > 0) scored.push({ row, score });
    }
    // Array.prototype.sort is stable: equal scores keep the newest-first order.
    scored.sort((a, b) => b.score - a.score);
    return scored.map(({ row }) => summaryOfRow(row, now));
  }

  /** Ids of every indexed runbook of a workspace. */
  async ids(workspaceId: string): Promise<string[]> {
    const rows = await this.records.db
      .selectFrom('runbooks')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Ids of the runbook documents of a workspace in the database's document storage that have
   * no index row (what `reconcileIndex` loads to rebuild the index).
   */
  async unindexedIds(workspaceId: string): Promise<string[]> {
    const prefix = `${workspaceId}.runbook.`;
    const { db } = this.records;
    // substr, not LIKE: ids contain "_", and SQLite's LIKE ignores case.
    const named = (table: 'document_snapshots' | 'document_updates') =>
      db
        .selectFrom(table)
        .select('name')
        .where(sql<boolean>`substr(name, 1, ${prefix.length}) = ${prefix}`);
    const stored = await named('document_snapshots').union(named('document_updates')).execute();
    const indexed = new Set(await this.ids(workspaceId));
    return stored
      .map((row) => row.name.slice(prefix.length))
      .filter((id) => id !== '' && !indexed.has(id));
  }
}
