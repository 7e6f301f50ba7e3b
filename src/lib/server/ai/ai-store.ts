/**
 * The AI domain's records (docs/ai.md): the index rows (`ai_items`, migration 18) and the
 * texts they are made from, read from where each kind already lives as records:
 * - tasks and incidents on the live boards: `task_cards` (board/card-mirror.ts);
 * - archived tasks and incidents: `archived_tasks` (archive/archive-store.ts);
 * - runbooks: `runbooks` (title and plain text, runbooks/runbooks-store.ts);
 * - configuration items: `cmdb_items` (cmdb/cmdb-store.ts).
 * And, for "last time this happened", an incident's resolver and times (`incidents`).
 * Rows in, rows out; the rules are in ai-service.ts.
 */
import type { Records } from '../db/records';
import type { AiItemStatus, AiItemType } from './ai-index';

/** One item's text as its source holds it now. */
export interface SourceItem {
  type: AiItemType;
  id: string;
  itemKey: string | null;
  title: string;
  /** What is embedded: the title and the body. */
  text: string;
  status: AiItemStatus;
  finishedAt: string | null;
}

/** An `ai_items` row without its vector. */
export interface AiItemHead {
  type: AiItemType;
  id: string;
  itemKey: string | null;
  title: string;
  status: AiItemStatus;
  finishedAt: string | null;
  textHash: string;
  embedderId: string;
}

/** An `ai_items` row. */
export interface AiItemRow extends AiItemHead {
  vector: Uint8Array;
}

/** What "last time this happened" shows of a past incident. */
export interface IncidentOutcome {
  id: string;
  openedAt: string;
  resolvedAt: string | null;
  resolvedBy: { id: string; name: string } | null;
}

/** Rows per INSERT (11 columns: far below both databases' parameter limits). */
const UPSERT_CHUNK = 200;

const ITEM_TYPES: readonly string[] = ['task', 'incident', 'runbook', 'ci'];
const STATUSES: readonly string[] = ['open', 'done', 'archived'];

interface CardFields {
  title?: unknown;
  description?: unknown;
  kind?: unknown;
  key?: unknown;
  doneAt?: unknown;
  resolvedAt?: unknown;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function parseCard(json: string): CardFields {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as CardFields) : {};
  } catch {
    return {};
  }
}

function cardType(kind: unknown): AiItemType {
  return kind === 'incident' ? 'incident' : 'task';
}

function stringValues(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
    if (typeof value === 'object' && value !== null) {
      return Object.entries(value).flatMap(([k, v]) =>
        typeof v === 'string' || typeof v === 'number' ? [`${k} ${v}`] : []
      );
    }
  } catch {
    // Not JSON: nothing to add.
  }
  return [];
}

export class AiStore {
  constructor(private readonly records: Records) {}

  /** Every task, incident, runbook and CI of the workspace with its text (archived included). */
  async sources(workspaceId: string): Promise<SourceItem[]> {
    const db = this.records.db;
    const items: SourceItem[] = [];
    const seen = new Set<string>();
    const cards = await db
      .selectFrom('task_cards')
      .select(['task_id', 'card'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    for (const row of cards) {
      const card = parseCard(row.card);
      const title = str(card.title) ?? '';
      const type = cardType(card.kind);
      const finishedAt = type === 'incident' ? str(card.resolvedAt) : str(card.doneAt);
      seen.add(row.task_id);
      items.push({
        type,
        id: row.task_id,
        itemKey: str(card.key),
        title,
        text: `${title}\n${str(card.description) ?? ''}`,
        status: str(card.doneAt) ? 'done' : 'open',
        finishedAt
      });
    }
    const archived = await db
      .selectFrom('archived_tasks')
      .select(['task_id', 'task_key', 'title', 'kind', 'card', 'finished_at'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    for (const row of archived) {
      // A task un-archived a moment ago may still have its row: the live card wins.
      if (seen.has(row.task_id)) continue;
      const card = parseCard(row.card);
      items.push({
        type: cardType(row.kind),
        id: row.task_id,
        itemKey: row.task_key,
        title: row.title,
        text: `${row.title}\n${str(card.description) ?? ''}`,
        status: 'archived',
        finishedAt: row.finished_at
      });
    }
    const runbooks = await db
      .selectFrom('runbooks')
      .select(['id', 'title', 'plain_text', 'archived_at'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    for (const row of runbooks) {
      items.push({
        type: 'runbook',
        id: row.id,
        itemKey: null,
        title: row.title,
        text: `${row.title}\n${row.plain_text}`,
        status: row.archived_at ? 'archived' : 'open',
        finishedAt: null
      });
    }
    const cis = await db
      .selectFrom('cmdb_items')
      .select(['id', 'name', 'type', 'environment', 'owner', 'tags', 'attributes'])
      .where('workspace_id', '=', workspaceId)
      .execute();
    for (const row of cis) {
      const parts = [
        row.name,
        row.type,
        row.environment ?? '',
        ...stringValues(row.tags),
        ...stringValues(row.attributes)
      ];
      items.push({
        type: 'ci',
        id: row.id,
        itemKey: null,
        title: row.name,
        text: parts.filter((p) => p !== '').join('\n'),
        status: 'open',
        finishedAt: null
      });
    }
    return items;
  }

  /** The index rows of the workspace without their vectors. */
  async heads(workspaceId: string): Promise<AiItemHead[]> {
    const rows = await this.records.db
      .selectFrom('ai_items')
      .select([
        'item_type',
        'item_id',
        'item_key',
        'title',
        'status',
        'finished_at',
        'text_hash',
        'embedder_id'
      ])
      .where('workspace_id', '=', workspaceId)
      .execute();
    return rows.flatMap((row) => {
      const head = toHead(row);
      return head ? [head] : [];
    });
  }

  /** The index rows of the workspace made by `embedderId`, with their vectors. */
  async load(workspaceId: string, embedderId: string): Promise<AiItemRow[]> {
    const rows = await this.records.db
      .selectFrom('ai_items')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('embedder_id', '=', embedderId)
      .execute();
    return rows.flatMap((row) => {
      const head = toHead(row);
      return head ? [{ ...head, vector: new Uint8Array(row.vector) }] : [];
    });
  }

  /** Writes (inserts or replaces) index rows. */
  async upsert(workspaceId: string, rows: readonly AiItemRow[], now: string): Promise<void> {
    if (rows.length === 0) return;
    await this.records.transaction(async (trx) => {
      for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
        const values = rows.slice(i, i + UPSERT_CHUNK).map((row) => ({
          workspace_id: workspaceId,
          item_type: row.type,
          item_id: row.id,
          item_key: row.itemKey,
          title: row.title,
          status: row.status,
          finished_at: row.finishedAt,
          text_hash: row.textHash,
          embedder_id: row.embedderId,
          vector: row.vector,
          updated_at: now
        }));
        await trx
          .insertInto('ai_items')
          .values(values)
          .onConflict((oc) =>
            oc.columns(['workspace_id', 'item_type', 'item_id']).doUpdateSet((eb) => ({
              item_key: eb.ref('excluded.item_key'),
              title: eb.ref('excluded.title'),
              status: eb.ref('excluded.status'),
              finished_at: eb.ref('excluded.finished_at'),
              text_hash: eb.ref('excluded.text_hash'),
              embedder_id: eb.ref('excluded.embedder_id'),
              vector: eb.ref('excluded.vector'),
              updated_at: eb.ref('excluded.updated_at')
            }))
          )
          .execute();
      }
    });
  }

  /** Updates what results show of items whose text did not change. */
  async updateHeads(
    workspaceId: string,
    heads: readonly Pick<AiItemHead, 'type' | 'id' | 'itemKey' | 'status' | 'finishedAt'>[],
    now: string
  ): Promise<void> {
    if (heads.length === 0) return;
    await this.records.transaction(async (trx) => {
      for (const head of heads) {
        await trx
          .updateTable('ai_items')
          .set({
            item_key: head.itemKey,
            status: head.status,
            finished_at: head.finishedAt,
            updated_at: now
          })
          .where('workspace_id', '=', workspaceId)
          .where('item_type', '=', head.type)
          .where('item_id', '=', head.id)
          .execute();
      }
    });
  }

  /** Deletes index rows. */
  async remove(
    workspaceId: string,
    items: readonly Pick<AiItemHead, 'type' | 'id'>[]
  ): Promise<void> {
    if (items.length === 0) return;
    await this.records.transaction(async (trx) => {
      for (const type of ITEM_TYPES) {
        const ids = items.filter((item) => item.type === type).map((item) => item.id);
        for (let i = 0; i < ids.length; i += UPSERT_CHUNK) {
          await trx
            .deleteFrom('ai_items')
            .where('workspace_id', '=', workspaceId)
            .where('item_type', '=', type)
            .where('item_id', 'in', ids.slice(i, i + UPSERT_CHUNK))
            .execute();
        }
      }
    });
  }

  /** Index rows per embedder, for the admin view. */
  async counts(workspaceId: string): Promise<{ embedderId: string; count: number }[]> {
    const rows = await this.records.db
      .selectFrom('ai_items')
      .select(['embedder_id', (eb) => eb.fn.countAll<number | string>().as('count')])
      .where('workspace_id', '=', workspaceId)
      .groupBy('embedder_id')
      .execute();
    return rows.map((row) => ({ embedderId: row.embedder_id, count: Number(row.count) }));
  }

  /** The incidents of `ids` with who resolved them, and when they opened and resolved. */
  async incidentOutcomes(workspaceId: string, ids: readonly string[]): Promise<IncidentOutcome[]> {
    if (ids.length === 0) return [];
    const rows = await this.records.db
      .selectFrom('incidents')
      .leftJoin('users', 'users.id', 'incidents.resolved_by')
      .select([
        'incidents.id',
        'incidents.opened_at',
        'incidents.resolved_at',
        'incidents.resolved_by',
        'users.name as resolver_name'
      ])
      .where('incidents.workspace_id', '=', workspaceId)
      .where('incidents.id', 'in', [...ids])
      .execute();
    return rows.map((row) => ({
      id: row.id,
      openedAt: row.opened_at,
      resolvedAt: row.resolved_at,
      resolvedBy: row.resolved_by
        ? { id: row.resolved_by, name: row.resolver_name ?? row.resolved_by }
        : null
    }));
  }

  /** The runbook links of tasks (live or archived), by task id. */
  async runbookLinks(
    workspaceId: string,
    taskIds: readonly string[]
  ): Promise<Map<string, string[]>> {
    const links = new Map<string, string[]>();
    if (taskIds.length === 0) return links;
    const live = await this.records.db
      .selectFrom('task_cards')
      .select(['task_id', 'card'])
      .where('workspace_id', '=', workspaceId)
      .where('task_id', 'in', [...taskIds])
      .execute();
    const archived = await this.records.db
      .selectFrom('archived_tasks')
      .select(['task_id', 'card'])
      .where('workspace_id', '=', workspaceId)
      .where('task_id', 'in', [...taskIds])
      .execute();
    for (const row of [...archived, ...live]) {
      const card = parseCard(row.card) as { links?: unknown };
      const targets = Array.isArray(card.links)
        ? card.links.flatMap((link: unknown) => {
            const l = link as { type?: unknown; target?: unknown };
            return l.type === 'runbook' && typeof l.target === 'string' ? [l.target] : [];
          })
        : [];
      links.set(row.task_id, targets);
    }
    return links;
  }

  /** Titles of runbooks by id. */
  async runbookTitles(workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.records.db
      .selectFrom('runbooks')
      .select(['id', 'title'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', [...ids])
      .execute();
    return new Map(rows.map((row) => [row.id, row.title]));
  }
}

function toHead(row: {
  item_type: string;
  item_id: string;
  item_key: string | null;
  title: string;
  status: string;
  finished_at: string | null;
  text_hash: string;
  embedder_id: string;
}): AiItemHead | null {
  if (!ITEM_TYPES.includes(row.item_type) || !STATUSES.includes(row.status)) return null;
  return {
    type: row.item_type as AiItemType,
    id: row.item_id,
    itemKey: row.item_key,
    title: row.title,
    status: row.status as AiItemStatus,
    finishedAt: row.finished_at,
    textHash: row.text_hash,
    embedderId: row.embedder_id
  };
}
