/**
 * The runbook library index in SQLite: one row per runbook (metadata and plain text) and its
 * FTS5 row of pre-segmented text. Derived data (docs/design.md §3): written only from runbook
 * documents — by the watcher on loaded documents and after REST writes — and rebuildable from
 * them at any time.
 */
import { isReviewDue } from '../../shared/runbooks/runbook-model';
import type { AlertMatcher, RunbookMeta, RunbookSummary } from '../../shared/runbooks/schema';
import type { SqliteDatabase } from '../db/sqlite';
import { ftsQuery, segmentForIndex, snippetFor } from './search-text';

export type ArchivedFilter = 'exclude' | 'include' | 'only';

export interface RunbookSearch {
  q?: string;
  tag?: string;
  archived?: ArchivedFilter;
  limit?: number;
  /** Matching runbooks to skip, for paging. */
  offset?: number;
}

interface Row {
  row_id: number;
  id: string;
  title: string;
  tags: string;
  owner_id: string | null;
  services: string;
  cis: string;
  alert_matchers: string;
  reviewed_at: string | null;
  review_interval_days: number | null;
  created_at: string;
  created_by: string | null;
  updated_at: string;
  archived_at: string | null;
  plain_text: string;
}

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

const ARCHIVED_CONDITION: Record<ArchivedFilter, string> = {
  exclude: 'r.archived_at IS NULL',
  include: '1 = 1',
  only: 'r.archived_at IS NOT NULL'
};

/** Longest page of a library listing. */
export const RUNBOOK_LIST_MAX_LIMIT = 500;

/** The runbook index of one database. */
export class RunbookIndex {
  constructor(private readonly db: SqliteDatabase) {}

  /** Writes (or replaces) the index entry of one runbook. */
  upsert(workspaceId: string, meta: RunbookMeta, plainText: string): void {
    const { db } = this;
    db.transaction(() => {
      const row = db
        .prepare<Record<string, string | number | null>, { row_id: number }>(
          `INSERT INTO runbooks (workspace_id, id, title, tags, owner_id, services, cis,
             alert_matchers, reviewed_at, review_interval_days, created_at, created_by,
             updated_at, archived_at, plain_text)
           VALUES (@ws, @id, @title, @tags, @ownerId, @services, @cis, @alertMatchers,
             @reviewedAt, @interval, @createdAt, @createdBy, @updatedAt, @archivedAt,
             @plainText)
           ON CONFLICT (workspace_id, id) DO UPDATE SET
             title = excluded.title, tags = excluded.tags, owner_id = excluded.owner_id,
             services = excluded.services, cis = excluded.cis,
             alert_matchers = excluded.alert_matchers, reviewed_at = excluded.reviewed_at,
             review_interval_days = excluded.review_interval_days,
             created_at = excluded.created_at, created_by = excluded.created_by,
             updated_at = excluded.updated_at, archived_at = excluded.archived_at,
             plain_text = excluded.plain_text
           RETURNING row_id`
        )
        .get({
          ws: workspaceId,
          id: meta.id,
          title: meta.title,
          tags: JSON.stringify(meta.tags),
          ownerId: meta.ownerId,
          services: JSON.stringify(meta.services),
          cis: JSON.stringify(meta.cis),
          alertMatchers: JSON.stringify(meta.alertMatchers),
          reviewedAt: meta.reviewedAt,
          interval: meta.reviewIntervalDays,
          createdAt: meta.createdAt,
          createdBy: meta.createdBy,
          updatedAt: meta.updatedAt,
          archivedAt: meta.archivedAt,
          plainText
        })!;
      db.prepare('DELETE FROM runbook_search WHERE rowid = ?').run(row.row_id);
      db.prepare('INSERT INTO runbook_search (rowid, title, body) VALUES (?, ?, ?)').run(
        row.row_id,
        segmentForIndex([meta.title, ...meta.tags, ...meta.services].join(' ')),
        segmentForIndex(plainText)
      );
    })();
  }

  /** Removes the index entry of one runbook. */
  remove(workspaceId: string, id: string): void {
    const { db } = this;
    db.transaction(() => {
      const row = db
        .prepare<[string, string], { row_id: number }>(
          'DELETE FROM runbooks WHERE workspace_id = ? AND id = ? RETURNING row_id'
        )
        .get(workspaceId, id);
      if (row) db.prepare('DELETE FROM runbook_search WHERE rowid = ?').run(row.row_id);
    })();
  }

  /** One indexed runbook, or null. */
  get(workspaceId: string, id: string, now: Date = new Date()): RunbookSummary | null {
    const row = this.db
      .prepare<[string, string], Row>('SELECT * FROM runbooks WHERE workspace_id = ? AND id = ?')
      .get(workspaceId, id);
    return row ? summaryOfRow(row, now) : null;
  }

  /**
   * The library: newest first, or best match first when `q` is given (FTS5 bm25, title ten
   * times the weight of the body).
   */
  search(
    workspaceId: string,
    search: RunbookSearch = {},
    now: Date = new Date()
  ): RunbookSummary[] {
    const query = this.searchQuery(workspaceId, search);
    if (query === null) return [];
    const limit = Math.min(Math.max(1, search.limit ?? 100), RUNBOOK_LIST_MAX_LIMIT);
    const offset = Math.max(0, search.offset ?? 0);
    const order = query.q
      ? 'bm25(runbook_search, 10.0, 1.0), r.updated_at DESC'
      : 'r.updated_at DESC, r.id';
    const rows = this.db
      .prepare<Record<string, string | number>, Row>(
        `SELECT r.* ${query.from} WHERE ${query.where} ORDER BY ${order}
         LIMIT @limit OFFSET @offset`
      )
      .all({ ...query.params, limit, offset });
    return rows.map((row) => summaryOfRow(row, now, query.q || undefined));
  }

  /** How many runbooks `search` would find without `limit` and `offset`. */
  count(workspaceId: string, search: RunbookSearch = {}): number {
    const query = this.searchQuery(workspaceId, search);
    if (query === null) return 0;
    const row = this.db
      .prepare<Record<string, string | number>, { n: number }>(
        `SELECT COUNT(*) AS n ${query.from} WHERE ${query.where}`
      )
      .get(query.params);
    return row?.n ?? 0;
  }

  /** FROM and WHERE of a library search; null when the text can match nothing. */
  private searchQuery(
    workspaceId: string,
    search: RunbookSearch
  ): { from: string; where: string; params: Record<string, string>; q: string } | null {
    const params: Record<string, string> = { ws: workspaceId };
    const conditions = ['r.workspace_id = @ws', ARCHIVED_CONDITION[search.archived ?? 'exclude']];
    if (search.tag !== undefined && search.tag !== '') {
      conditions.push('EXISTS (SELECT 1 FROM json_each(r.tags) t WHERE t.value = @tag)');
      params.tag = search.tag;
    }
    const q = search.q?.trim() ?? '';
    if (q === '') return { from: 'FROM runbooks r', where: conditions.join(' AND '), params, q };
    const match = ftsQuery(q);
    if (match === null) return null;
    params.match = match;
    return {
      from: 'FROM runbook_search s JOIN runbooks r ON r.row_id = s.rowid',
      where: ['runbook_search MATCH @match', ...conditions].join(' AND '),
      params,
      q
    };
  }

  /**
   * Runbooks (not archived) with a matcher equal to the alert's `service` or `alertname`
   * (case-insensitive); runbooks matching both labels come first.
   */
  match(
    workspaceId: string,
    labels: { service?: string; alertname?: string },
    now: Date = new Date()
  ): RunbookSummary[] {
    const wanted: Array<[string, string]> = [];
    if (labels.service) wanted.push(['service', labels.service.toLowerCase()]);
    if (labels.alertname) wanted.push(['alertname', labels.alertname.toLowerCase()]);
    if (wanted.length === 0) return [];
    const rows = this.db
      .prepare<[string], Row>(
        `SELECT * FROM runbooks WHERE workspace_id = ? AND archived_at IS NULL
         AND alert_matchers <> '[]' ORDER BY updated_at DESC`
      )
      .all(workspaceId);
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
  ids(workspaceId: string): string[] {
    return this.db
      .prepare<[string], { id: string }>('SELECT id FROM runbooks WHERE workspace_id = ?')
      .all(workspaceId)
      .map((row) => row.id);
  }
}

const indexes = new WeakMap<SqliteDatabase, RunbookIndex>();

/** The runbook index of `db` (one instance per database). */
export function runbookIndexFor(db: SqliteDatabase): RunbookIndex {
  let index = indexes.get(db);
  if (!index) {
    index = new RunbookIndex(db);
    indexes.set(db, index);
  }
  return index;
}
