/**
 * The CMDB's records (migration 14): the items and relations of `<ws>.cmdb` as last mirrored
 * (cmdb-extension.ts keeps them in step; derived, rebuilt from the document), and the item
 * history, a server fact. Queries that must not load the document read here: the filtered list,
 * impact, the inventory, and the conflict checks of changes.
 */
import type { CiItem, CiRelation, ImpactEntry } from '../../shared/cmdb/schema';
import { ciValueSchema } from '../../shared/cmdb/schema';
import type { Records, RecordsTransaction } from '../db/records';
import type { MirroredState, MirrorStore } from '../db/doc-mirror';
import { newActivityId } from '../board/activity-store';

/** What changed in a CMDB document since the last write. */
export interface CmdbChanges {
  items: CiItem[];
  removedItems: string[];
  relations: CiRelation[];
  removedRelations: string[];
}

/** A filter of the item list (`GET …/cmdb/items`); every part optional. */
export interface ItemFilter {
  type?: string | undefined;
  /** Words that must all appear in the name (case-insensitive). */
  q?: string | undefined;
  tag?: string | undefined;
  environment?: string | undefined;
  criticality?: string | undefined;
  owner?: string | undefined;
}

/** An item's history entry as recorded. */
export interface HistoryRecord {
  itemId: string;
  at: string;
  actorId: string | null;
  action: 'created' | 'updated' | 'deleted' | 'related' | 'unrelated' | 'refused';
  field?: string | null;
  from?: unknown;
  to?: unknown;
}

/** What lists show of an item. */
export interface ItemLabel {
  id: string;
  name: string;
  type: string;
}

export interface HistoryEntry extends HistoryRecord {
  id: string;
  field: string | null;
  from: unknown;
  to: unknown;
}

/** Rows per statement (12 columns: far below both databases' parameter limits). */
const CHUNK = 400;
/** Ids per `IN (…)` of a graph walk. */
const WALK_CHUNK = 1_000;

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface ItemRow {
  id: string;
  type: string;
  name: string;
  environment: string | null;
  criticality: string;
  owner: string | null;
  tags: string;
  attributes: string;
  created_at: string;
  updated_at: string;
}

function itemOf(row: ItemRow): CiItem | null {
  const parsed = ciValueSchema.safeParse({
    type: row.type,
    name: row.name,
    environment: row.environment,
    criticality: row.criticality,
    owner: row.owner,
    tags: parseJson(row.tags),
    attributes: parseJson(row.attributes),
    createdAt: row.created_at,
    updatedAt: row.updated_at
  });
  return parsed.success ? { id: row.id, ...parsed.data } : null;
}

/** Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class CmdbStore implements MirrorStore<CmdbChanges> {
  constructor(private readonly records: Records) {}

  // ------------------------------------------------------------------------------------------
  // The mirror

  async state(workspaceId: string): Promise<Uint8Array | null> {
    const row = await this.records.db
      .selectFrom('cmdb_mirrors')
      .select('doc_state')
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return row ? new Uint8Array(row.doc_state) : null;
  }

  async replaceAll(workspaceId: string, changes: CmdbChanges, state: Uint8Array): Promise<void> {
    await this.records.transaction(async (trx) => {
      await trx.deleteFrom('cmdb_items').where('workspace_id', '=', workspaceId).execute();
      await trx.deleteFrom('cmdb_relations').where('workspace_id', '=', workspaceId).execute();
      await this.write(trx, workspaceId, changes, state);
    });
  }

  async apply(workspaceId: string, changes: CmdbChanges, state?: MirroredState): Promise<void> {
    await this.records.transaction((trx) => this.write(trx, workspaceId, changes, state));
  }

  private async write(
    trx: RecordsTransaction,
    workspaceId: string,
    changes: CmdbChanges,
    state: MirroredState
  ): Promise<void> {
    for (let i = 0; i < changes.removedItems.length; i += CHUNK) {
      await trx
        .deleteFrom('cmdb_items')
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', changes.removedItems.slice(i, i + CHUNK))
        .execute();
    }
    for (let i = 0; i < changes.removedRelations.length; i += CHUNK) {
      await trx
        .deleteFrom('cmdb_relations')
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', changes.removedRelations.slice(i, i + CHUNK))
        .execute();
    }
    for (let i = 0; i < changes.items.length; i += CHUNK) {
      const rows = changes.items.slice(i, i + CHUNK).map((item) => ({
        workspace_id: workspaceId,
        id: item.id,
        type: item.type,
        name: item.name,
        name_lower: item.name.toLowerCase(),
        environment: item.environment,
        criticality: item.criticality,
        owner: item.owner,
        tags: JSON.stringify(item.tags),
        attributes: JSON.stringify(item.attributes),
        created_at: item.createdAt,
        updated_at: item.updatedAt
      }));
      await trx
        .insertInto('cmdb_items')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'id']).doUpdateSet((eb) => ({
            type: eb.ref('excluded.type'),
            name: eb.ref('excluded.name'),
            name_lower: eb.ref('excluded.name_lower'),
            environment: eb.ref('excluded.environment'),
            criticality: eb.ref('excluded.criticality'),
            owner: eb.ref('excluded.owner'),
            tags: eb.ref('excluded.tags'),
            attributes: eb.ref('excluded.attributes'),
            created_at: eb.ref('excluded.created_at'),
            updated_at: eb.ref('excluded.updated_at')
          }))
        )
        .execute();
    }
    for (let i = 0; i < changes.relations.length; i += CHUNK) {
      const rows = changes.relations.slice(i, i + CHUNK).map((relation) => ({
        workspace_id: workspaceId,
        id: relation.id,
        from_id: relation.from,
        to_id: relation.to,
        type: relation.type
      }));
      await trx
        .insertInto('cmdb_relations')
        .values(rows)
        .onConflict((oc) => oc.columns(['workspace_id', 'id']).doNothing())
        .execute();
    }
    if (state === null) {
      await trx.deleteFrom('cmdb_mirrors').where('workspace_id', '=', workspaceId).execute();
    } else if (state !== undefined) {
      const mirrored = { doc_state: state, mirrored_at: Date.now() };
      await trx
        .insertInto('cmdb_mirrors')
        .values({ workspace_id: workspaceId, ...mirrored })
        .onConflict((oc) => oc.column('workspace_id').doUpdateSet(mirrored))
        .execute();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Queries

  /** Items matching `filter`, by name, with the total before paging. */
  async list(
    workspaceId: string,
    filter: ItemFilter,
    page: { limit: number; offset: number }
  ): Promise<{ items: CiItem[]; total: number }> {
    let query = this.records.db.selectFrom('cmdb_items').where('workspace_id', '=', workspaceId);
    if (filter.type) query = query.where('type', '=', filter.type);
    if (filter.environment) query = query.where('environment', '=', filter.environment);
    if (filter.criticality) query = query.where('criticality', '=', filter.criticality);
    if (filter.owner) query = query.where('owner', '=', filter.owner);
    for (const word of (filter.q ?? '').toLowerCase().split(/\s+/).filter(Boolean)) {
      query = query.where((eb) => eb('name_lower', 'like', `%${likeEscape(word)}%`));
    }
    if (filter.tag) query = query.where(this.records.queries.jsonArrayContains('tags', filter.tag));
    const [rows, count] = await Promise.all([
      query
        .selectAll()
        .orderBy('name_lower')
        .orderBy('id')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()
    ]);
    const items: CiItem[] = [];
    for (const row of rows) {
      const item = itemOf(row);
      if (item) items.push(item);
    }
    return { items, total: Number(count.n) };
  }

  async get(workspaceId: string, id: string): Promise<CiItem | null> {
    const row = await this.records.db
      .selectFrom('cmdb_items')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? itemOf(row) : null;
  }

  /** The id, name and type of items whose name is one of `names` (case-insensitive). */
  byNames(workspaceId: string, names: readonly string[]): Promise<ItemLabel[]> {
    const lower = [...new Set(names.map((n) => n.toLowerCase()))];
    return this.labelsWhere(workspaceId, 'name_lower', lower);
  }

  /** Every item and relation of a workspace (the inventory, the export). */
  async all(workspaceId: string): Promise<{ items: CiItem[]; relations: CiRelation[] }> {
    const [itemRows, relationRows] = await Promise.all([
      this.records.db
        .selectFrom('cmdb_items')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('name_lower')
        .orderBy('id')
        .execute(),
      this.records.db
        .selectFrom('cmdb_relations')
        .select(['id', 'from_id', 'to_id', 'type'])
        .where('workspace_id', '=', workspaceId)
        .orderBy('id')
        .execute()
    ]);
    const items: CiItem[] = [];
    for (const row of itemRows) {
      const item = itemOf(row);
      if (item) items.push(item);
    }
    return { items, relations: relationRows.map(relationOf) };
  }

  /** The relations that touch `id`, either way. */
  async relationsOf(workspaceId: string, id: string): Promise<CiRelation[]> {
    const rows = await this.records.db
      .selectFrom('cmdb_relations')
      .select(['id', 'from_id', 'to_id', 'type'])
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.or([eb('from_id', '=', id), eb('to_id', '=', id)]))
      .orderBy('id')
      .execute();
    return rows.map(relationOf);
  }

  /**
   * Breadth-first from `start` along relations (`dependents`: to whatever needs it; else to
   * whatever it needs), one query per level; each item once, at its shortest depth.
   */
  async walk(
    workspaceId: string,
    start: readonly string[],
    direction: 'dependents' | 'dependencies',
    maxDepth = Number.POSITIVE_INFINITY
  ): Promise<Map<string, number>> {
    const [near, far] =
      direction === 'dependents'
        ? (['to_id', 'from_id'] as const)
        : (['from_id', 'to_id'] as const);
    const depths = new Map<string, number>();
    const seen = new Set(start);
    let frontier = [...seen];
    for (let depth = 1; frontier.length > 0 && depth <= maxDepth; depth++) {
      const next: string[] = [];
      for (let i = 0; i < frontier.length; i += WALK_CHUNK) {
        const rows = await this.records.db
          .selectFrom('cmdb_relations')
          .select(far)
          .where('workspace_id', '=', workspaceId)
          .where(this.records.queries.oneOf(near, frontier.slice(i, i + WALK_CHUNK)))
          .execute();
        for (const row of rows) {
          const id = (row as Record<string, string>)[far] as string;
          if (seen.has(id)) continue;
          seen.add(id);
          depths.set(id, depth);
          next.push(id);
        }
      }
      frontier = next;
    }
    return depths;
  }

  /** The id, name and type of items by id (those that exist): the few columns lists need. */
  labels(workspaceId: string, ids: readonly string[]): Promise<ItemLabel[]> {
    return this.labelsWhere(workspaceId, 'id', ids);
  }

  private async labelsWhere(
    workspaceId: string,
    column: 'id' | 'name_lower',
    values: readonly string[]
  ): Promise<ItemLabel[]> {
    const out: ItemLabel[] = [];
    for (let i = 0; i < values.length; i += WALK_CHUNK) {
      out.push(
        ...(await this.records.db
          .selectFrom('cmdb_items')
          .select(['id', 'name', 'type'])
          .where('workspace_id', '=', workspaceId)
          .where(this.records.queries.oneOf(column, values.slice(i, i + WALK_CHUNK)))
          .execute())
      );
    }
    return out;
  }

  /**
   * Everything linked to `ids` through relations, transitively, either way (what they need and
   * what needs them), without `ids` themselves: the items a change's conflicts and an incident's
   * "what changed" look at. `maxDepth` bounds a huge graph.
   */
  async related(workspaceId: string, ids: readonly string[], maxDepth = 20): Promise<Set<string>> {
    const [down, up] = await Promise.all([
      this.walk(workspaceId, ids, 'dependencies', maxDepth),
      this.walk(workspaceId, ids, 'dependents', maxDepth)
    ]);
    return new Set([...down.keys(), ...up.keys()]);
  }

  /**
   * Everything that depends on `id`, directly or transitively, nearest first, then by name.
   * Only the columns the answer shows are read: thousands of dependents must not mean
   * thousands of JSON attributes parsed.
   */
  async impact(workspaceId: string, id: string): Promise<ImpactEntry[]> {
    // A query per level, not one recursive query: in a graph with many paths of different
    // lengths, a recursive UNION visits an item once per depth it is reached at, and its
    // dependents again each time (measured: minutes, not milliseconds, on the bench's 60,000).
    const depths = await this.walk(workspaceId, [id], 'dependents');
    const items = await this.labels(workspaceId, [...depths.keys()]);
    return items
      .map((item) => ({ ...item, depth: depths.get(item.id) ?? 0 }))
      .sort(
        (a, b) => a.depth - b.depth || a.name.localeCompare(b.name) || a.id.localeCompare(b.id)
      );
  }

  // ------------------------------------------------------------------------------------------
  // History

  async addHistory(workspaceId: string, entries: readonly HistoryRecord[]): Promise<void> {
    if (entries.length === 0) return;
    for (let i = 0; i < entries.length; i += CHUNK) {
      await this.records.db
        .insertInto('cmdb_history')
        .values(
          entries.slice(i, i + CHUNK).map((entry) => ({
            workspace_id: workspaceId,
            id: newActivityId(Date.parse(entry.at) || Date.now()),
            item_id: entry.itemId,
            at: entry.at,
            actor_id: entry.actorId,
            action: entry.action,
            field: entry.field ?? null,
            from_value: json(entry.from),
            to_value: json(entry.to)
          }))
        )
        .execute();
    }
  }

  /** An item's history, newest first. */
  async history(workspaceId: string, itemId: string, limit = 500): Promise<HistoryEntry[]> {
    const rows = await this.records.db
      .selectFrom('cmdb_history')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('item_id', '=', itemId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      itemId: row.item_id,
      at: row.at,
      actorId: row.actor_id,
      action: row.action as HistoryRecord['action'],
      field: row.field,
      from: parseJson(row.from_value) ?? null,
      to: parseJson(row.to_value) ?? null
    }));
  }
}

function relationOf(row: { id: string; from_id: string; to_id: string; type: string }): CiRelation {
  return { id: row.id, from: row.from_id, to: row.to_id, type: row.type as CiRelation['type'] };
}
