/**
 * The CMDB's rules (docs/cmdb.md): items and relations are written into `<ws>.cmdb` through
 * `DocStore.transact` under the caller's name (so the history says who), checked first against
 * the document as it is at that moment: a known type, a custom type's fields, a name no other
 * item has, both ends of a relation present and no cycle. Reads come from the mirrored records;
 * a write answers after they follow (`mirror.flush`), so a list that follows a write sees it.
 * Who may write is the REST layer's check (`cmdb.write`: operators and above).
 */
import type * as Y from 'yjs';
import {
  CmdbGraph,
  checkCustomFields,
  deleteItem,
  isKnownType,
  itemsMap,
  parseItemValue,
  parseRelationId,
  readCustomTypes,
  readItemValue,
  relationId,
  relationsMap,
  writeItem,
  writeRelation
} from '../../shared/cmdb/cmdb-doc';
import type {
  CiCreate,
  CiItem,
  CiPatch,
  CiRelation,
  CiValue,
  ImpactEntry,
  RelationCreate
} from '../../shared/cmdb/schema';
import { cmdbDocName } from '../../shared/doc-name';
import { DomainError } from '../../shared/model/domain-error';
import { generateId } from '../../shared/model/ids';
import { serverOrigin, type UpdateOrigin } from '../../../../sync-server/update-origin';
import type { CmdbStore, HistoryEntry, ItemFilter } from './cmdb-store';
import { parseImport, type ImportFormat, type ImportPlan, type RowError } from './cmdb-import';
import { exportCsv, exportJson } from './cmdb-export';
import { inventoryJson, type AnsibleInventory } from './cmdb-inventory';
import { importFromNetbox, type NetboxOptions } from './netbox';

/** What an import did, or would do (`dryRun`); `errors` are the rows refused (nothing imported). */
export interface ImportOutcome {
  imported: number;
  preview: { create: number; update: number; relations: number };
  errors: RowError[];
}

/** What the service needs of the DocStore. */
export interface CmdbDocs {
  transact<T>(name: string, fn: (doc: Y.Doc) => T, origin?: UpdateOrigin): Promise<T>;
  read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T>;
}

/** What other domains say touched an item (the item page's history). */
export interface ItemLinks {
  changes: Array<{
    id: string;
    key: string | null;
    title: string;
    state: string;
    windowStart: string | null;
    windowEnd: string | null;
  }>;
  incidents: Array<{
    id: string;
    key: string | null;
    title: string;
    state: string;
    openedAt: string;
  }>;
  runs: Array<{ id: string; job: string; state: string; at: string }>;
}

export interface CmdbServiceDeps {
  store: CmdbStore;
  /** The DocStore (a function: the composition root builds it after the services' extensions). */
  docs: () => CmdbDocs;
  /** Waits until the records and history of `docName` follow the document (cmdb-extension.ts). */
  mirror: { flush(docName: string): Promise<void> };
  /** Display names of members, for the history. */
  memberNames(workspaceId: string): Promise<Map<string, string>>;
  /** Changes, incidents and runs that touched an item; none when absent. */
  links?: (workspaceId: string, itemId: string) => Promise<Partial<ItemLinks>>;
  now?: () => number;
}

/** A history entry with the actor's name, as the item page shows it. */
export interface NamedHistoryEntry extends HistoryEntry {
  actorName: string | null;
}

function notFound(id: string): DomainError {
  return new DomainError('not_found', `configuration item ${JSON.stringify(id)} not found`);
}

/** The problems of an item's value against the document: type, custom fields, unique name. */
export function checkItem(doc: Y.Doc, value: CiValue, id: string | null): void {
  const custom = readCustomTypes(doc);
  if (!isKnownType(value.type, custom)) {
    throw new DomainError('invalid_input', `unknown item type ${JSON.stringify(value.type)}`, {
      details: [{ path: 'type', message: 'a built-in type or a custom type of this workspace' }]
    });
  }
  const fields = custom[value.type]?.fields ?? [];
  const problems = checkCustomFields(fields, value.attributes);
  if (problems.length > 0) {
    throw new DomainError('invalid_input', 'the attributes do not fit the item type', {
      details: problems.map((p) => ({ path: `attributes.${p.field}`, message: p.problem }))
    });
  }
  const lower = value.name.toLowerCase();
  for (const [otherId, raw] of itemsMap(doc)) {
    if (otherId === id) continue;
    const other = parseItemValue(raw);
    if (other && other.name.toLowerCase() === lower) {
      throw new DomainError('conflict', `an item named ${JSON.stringify(value.name)} exists`, {
        details: [{ path: 'name', message: `taken by ${otherId}` }]
      });
    }
  }
}

/** Fills a create body's defaults. */
export function newItemValue(body: CiCreate, at: string): CiValue {
  return {
    type: body.type,
    name: body.name,
    environment: body.environment ?? null,
    criticality: body.criticality ?? 'medium',
    owner: body.owner ?? null,
    attributes: body.attributes ?? {},
    tags: [...new Set(body.tags ?? [])],
    createdAt: at,
    updatedAt: at
  };
}

function emptyPreview(): ImportOutcome['preview'] {
  return { create: 0, update: 0, relations: 0 };
}

export class CmdbService {
  private readonly now: () => number;

  constructor(private readonly deps: CmdbServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Runs `fn` on the workspace's CMDB as `actorId`, then waits for the records to follow. */
  async write<T>(workspaceId: string, actorId: string | null, fn: (doc: Y.Doc) => T): Promise<T> {
    const name = cmdbDocName(workspaceId);
    const result = await this.deps.docs().transact(name, fn, serverOrigin(actorId));
    await this.deps.mirror.flush(name);
    return result;
  }

  list(workspaceId: string, filter: ItemFilter, page: { limit: number; offset: number }) {
    return this.deps.store.list(workspaceId, filter, page);
  }

  async get(workspaceId: string, id: string): Promise<CiItem> {
    const item = await this.deps.store.get(workspaceId, id);
    if (!item) throw notFound(id);
    return item;
  }

  async create(workspaceId: string, actorId: string, body: CiCreate): Promise<CiItem> {
    const id = generateId();
    const value = newItemValue(body, this.iso());
    await this.write(workspaceId, actorId, (doc) => {
      checkItem(doc, value, null);
      writeItem(doc, id, value);
    });
    return { id, ...value };
  }

  async update(workspaceId: string, actorId: string, id: string, patch: CiPatch): Promise<CiItem> {
    return this.write(workspaceId, actorId, (doc) => {
      const current = readItemValue(doc, id);
      if (!current) throw notFound(id);
      const next: CiValue = {
        ...current,
        ...(patch.type !== undefined ? { type: patch.type } : {}),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.environment !== undefined ? { environment: patch.environment } : {}),
        ...(patch.criticality !== undefined ? { criticality: patch.criticality } : {}),
        ...(patch.owner !== undefined ? { owner: patch.owner } : {}),
        ...(patch.attributes !== undefined ? { attributes: patch.attributes } : {}),
        ...(patch.tags !== undefined ? { tags: [...new Set(patch.tags)] } : {}),
        updatedAt: this.iso()
      };
      checkItem(doc, next, id);
      writeItem(doc, id, next);
      return { id, ...next };
    });
  }

  async remove(workspaceId: string, actorId: string, id: string): Promise<void> {
    await this.write(workspaceId, actorId, (doc) => {
      if (!itemsMap(doc).has(id)) throw notFound(id);
      deleteItem(doc, id);
    });
  }

  /** Adds a relation; the same relation again answers with its id. A cycle is refused (422). */
  async relate(workspaceId: string, actorId: string, body: RelationCreate): Promise<CiRelation> {
    return this.write(workspaceId, actorId, (doc) => {
      const items = itemsMap(doc);
      for (const end of ['from', 'to'] as const) {
        if (!items.has(body[end])) {
          throw new DomainError('invalid_input', `no item ${JSON.stringify(body[end])}`, {
            details: [{ path: end, message: 'not an item of this workspace' }]
          });
        }
      }
      if (body.from === body.to) {
        throw new DomainError('cycle', 'an item cannot depend on itself');
      }
      const id = relationId(body.from, body.to, body.type);
      if (relationsMap(doc).has(id)) return { id, ...body };
      if (CmdbGraph.ofDoc(doc).wouldCycle(body.from, body.to)) {
        throw new DomainError(
          'cycle',
          `${body.to} already depends on ${body.from}, directly or through others`
        );
      }
      writeRelation(doc, body);
      return { id, ...body };
    });
  }

  async unrelate(workspaceId: string, actorId: string, id: string): Promise<void> {
    await this.write(workspaceId, actorId, (doc) => {
      const relations = relationsMap(doc);
      if (parseRelationId(id) === null || !relations.has(id)) {
        throw new DomainError('not_found', `relation ${JSON.stringify(id)} not found`);
      }
      relations.delete(id);
    });
  }

  async relationsOf(workspaceId: string, id: string): Promise<CiRelation[]> {
    await this.get(workspaceId, id);
    return this.deps.store.relationsOf(workspaceId, id);
  }

  async impact(workspaceId: string, id: string): Promise<ImpactEntry[]> {
    await this.get(workspaceId, id);
    return this.deps.store.impact(workspaceId, id);
  }

  // ------------------------------------------------------------------------------------------
  // Import and export

  /** Parses a file and imports it (see `importPlan`). */
  async importFile(
    workspaceId: string,
    actorId: string,
    format: ImportFormat,
    text: string,
    dryRun: boolean
  ): Promise<ImportOutcome> {
    const customTypes = await this.deps.docs().read(cmdbDocName(workspaceId), readCustomTypes);
    const parsed = parseImport(format, text, { customTypes });
    if (!parsed.ok) return { imported: 0, preview: emptyPreview(), errors: parsed.errors };
    return this.importPlan(workspaceId, actorId, parsed.plan, dryRun);
  }

  /** Reads a NetBox instance's devices, VMs, clusters and services, and imports them. */
  async importNetbox(
    workspaceId: string,
    actorId: string,
    options: NetboxOptions,
    dryRun: boolean
  ): Promise<ImportOutcome | { failure: { key: RowError['key']; values?: RowError['values'] } }> {
    const customTypes = await this.deps.docs().read(cmdbDocName(workspaceId), readCustomTypes);
    const result = await importFromNetbox(options, { customTypes });
    if ('failure' in result) return { failure: result.failure };
    if (!result.ok) return { imported: 0, preview: emptyPreview(), errors: result.errors };
    return this.importPlan(workspaceId, actorId, result.plan, dryRun);
  }

  /**
   * Imports a checked plan in one transaction: items are matched to existing ones by name
   * (case-insensitive: updated, keeping their id and creation time) or created; relations are
   * resolved by name among the file's items and the workspace's. A relation to an unknown name
   * or one that closes a cycle with the existing relations refuses the whole import; nothing is
   * written then (nor with `dryRun`).
   */
  async importPlan(
    workspaceId: string,
    actorId: string,
    plan: ImportPlan,
    dryRun: boolean
  ): Promise<ImportOutcome> {
    const at = this.iso();
    const apply = (doc: Y.Doc, write: boolean): ImportOutcome => {
      const byName = new Map<string, { id: string; value: CiValue }>();
      for (const [id, raw] of itemsMap(doc)) {
        const value = parseItemValue(raw);
        if (value) byName.set(value.name.toLowerCase(), { id, value });
      }
      const writes: Array<{ id: string; value: CiValue }> = [];
      const ids = new Map<string, string>();
      let create = 0;
      for (const { item } of plan.items) {
        const existing = byName.get(item.name.toLowerCase());
        const value = newItemValue(item, at);
        if (existing) {
          writes.push({
            id: existing.id,
            value: { ...value, createdAt: existing.value.createdAt }
          });
          ids.set(item.name.toLowerCase(), existing.id);
        } else {
          const id = generateId();
          writes.push({ id, value });
          ids.set(item.name.toLowerCase(), id);
          create++;
        }
      }
      const errors: RowError[] = [];
      const edges: Array<CiRelation & { row: number; names: [string, string] }> = [];
      const relations = relationsMap(doc);
      for (const relation of plan.relations) {
        const from =
          ids.get(relation.from.toLowerCase()) ?? byName.get(relation.from.toLowerCase())?.id;
        const to = ids.get(relation.to.toLowerCase()) ?? byName.get(relation.to.toLowerCase())?.id;
        if (from === undefined || to === undefined) {
          errors.push({
            row: relation.row,
            key: 'cmdbImport.row.relationUnknown',
            values: { name: from === undefined ? relation.from : relation.to }
          });
          continue;
        }
        const id = relationId(from, to, relation.type);
        if (relations.has(id)) continue;
        edges.push({
          id,
          from,
          to,
          type: relation.type,
          row: relation.row,
          names: [relation.from, relation.to]
        });
      }
      for (const edge of CmdbGraph.ofDoc(doc).addAcyclic(edges)) {
        errors.push({
          row: edge.row,
          key: 'cmdbImport.row.relationCycle',
          values: { from: edge.names[0], to: edge.names[1] }
        });
      }
      const preview = { create, update: writes.length - create, relations: edges.length };
      if (errors.length > 0) {
        return { imported: 0, preview, errors: errors.sort((a, b) => a.row - b.row) };
      }
      if (write) {
        for (const { id, value } of writes) writeItem(doc, id, value);
        for (const edge of edges) writeRelation(doc, edge);
      }
      return { imported: write ? writes.length : 0, preview, errors: [] };
    };
    if (dryRun) return this.deps.docs().read(cmdbDocName(workspaceId), (doc) => apply(doc, false));
    return this.write(workspaceId, actorId, (doc) => apply(doc, true));
  }

  /** The CMDB as a CSV or JSON file that `importFile` reads back. */
  async exportFile(workspaceId: string, format: 'csv' | 'json'): Promise<string> {
    const { items, relations } = await this.deps.store.all(workspaceId);
    return format === 'csv' ? exportCsv(items, relations) : exportJson(items, relations);
  }

  /** The CMDB as Ansible dynamic-inventory JSON. */
  async inventory(workspaceId: string): Promise<AnsibleInventory> {
    const { items } = await this.deps.store.all(workspaceId);
    return inventoryJson(items);
  }

  /** An item's history with names, and what other domains say touched it. */
  async history(
    workspaceId: string,
    id: string
  ): Promise<{ entries: NamedHistoryEntry[] } & ItemLinks> {
    const [entries, names, links] = await Promise.all([
      this.deps.store.history(workspaceId, id),
      this.deps.memberNames(workspaceId),
      this.deps.links?.(workspaceId, id) ?? Promise.resolve<Partial<ItemLinks>>({})
    ]);
    if (entries.length === 0 && !(await this.deps.store.get(workspaceId, id))) throw notFound(id);
    return {
      entries: entries.map((entry) => ({
        ...entry,
        actorName: entry.actorId === null ? null : (names.get(entry.actorId) ?? null)
      })),
      changes: links.changes ?? [],
      incidents: links.incidents ?? [],
      runs: links.runs ?? []
    };
  }
}
