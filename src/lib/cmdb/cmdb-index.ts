/**
 * The browser's index of a `<ws>.cmdb` document: every item with a precomputed lower-case search
 * string, the relations by item and the dependency graph (`CmdbGraph`), all kept up to date from
 * the document's Y events one changed key at a time. A document of 20,000 items and 60,000
 * relations is read once when it loads; after that an edit costs the entries it touched, and a
 * keystroke in the search box costs one pass of `String.includes` over the items (no parsing, no
 * sorting: the name order is kept until an item changes).
 *
 * Framework-free, so the unit tests drive it with a plain `Y.Doc`; `cmdb-store.svelte.ts` wraps it
 * in rune state for the pages.
 */
import type * as Y from 'yjs';
import {
  CmdbGraph,
  itemsMap,
  parseItemValue,
  parseRelationId,
  relationsMap,
  typesMap
} from '$lib/shared/cmdb/cmdb-doc';
import {
  BUILTIN_CI_TYPES,
  ciTypeSchema,
  type CiItem,
  type CiRelation,
  type CiType,
  type Criticality
} from '$lib/shared/cmdb/schema';
import { quickItemValue } from './item-value-check';

/** One item as the index keeps it. */
export interface IndexedItem {
  readonly item: CiItem;
  /** Name, type, environment, owner, tags and attribute values, lower-cased, for `q`. */
  readonly search: string;
  /** The lower-cased name, the sort key of the list. */
  readonly sortKey: string;
}

/** What the list filters by; empty strings and undefined mean "any". */
export interface CmdbQuery {
  q?: string;
  type?: string;
  environment?: string;
  criticality?: Criticality | '';
  tag?: string;
  owner?: string;
}

/** The values the filters offer, with how many items carry each. */
export interface CmdbFacets {
  types: Map<string, number>;
  environments: Map<string, number>;
  owners: Map<string, number>;
  tags: Map<string, number>;
}

/** The search string of an item (see `IndexedItem.search`). */
export function searchText(item: CiItem): string {
  const parts = [item.name, item.type, item.environment ?? '', item.owner ?? '', ...item.tags];
  for (const [key, value] of Object.entries(item.attributes)) {
    parts.push(key);
    if (value !== null) parts.push(String(value));
  }
  return parts.join('\u0001').toLowerCase();
}

/** Whether `entry` passes every filter of `query` (`q` already lower-cased and trimmed). */
function matches(entry: IndexedItem, query: CmdbQuery, q: string): boolean {
  const { item } = entry;
  if (query.type && item.type !== query.type) return false;
  if (query.environment && item.environment !== query.environment) return false;
  if (query.criticality && item.criticality !== query.criticality) return false;
  if (query.owner && item.owner !== query.owner) return false;
  if (query.tag && !item.tags.includes(query.tag)) return false;
  return q === '' || entry.search.includes(q);
}

/** A live index of one CMDB document. */
export class CmdbIndex {
  readonly graph = new CmdbGraph();
  readonly #doc: Y.Doc;
  readonly #items = new Map<string, IndexedItem>();
  /** Relation ids by the items they touch (whether or not the other end exists yet). */
  readonly #relationsByItem = new Map<string, Set<string>>();
  readonly #relations = new Map<string, CiRelation>();
  /** How many present relations join `from~to` (types share one graph edge). */
  readonly #edgeCount = new Map<string, number>();
  #customTypes: Record<string, CiType> = {};
  #sorted: IndexedItem[] | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #stop: () => void;

  constructor(doc: Y.Doc) {
    this.#doc = doc;
    const items = itemsMap(doc);
    const relations = relationsMap(doc);
    const types = typesMap(doc);
    for (const [id, raw] of items) this.#setItem(id, raw);
    for (const key of relations.keys()) this.#addRelation(key);
    this.#readTypes();

    const onItems = (event: Y.YMapEvent<unknown>): void => {
      for (const [id, change] of event.changes.keys) {
        if (change.action === 'delete') this.#deleteItem(id);
        else this.#setItem(id, items.get(id));
      }
      this.#changed();
    };
    const onRelations = (event: Y.YMapEvent<unknown>): void => {
      for (const [key, change] of event.changes.keys) {
        if (change.action === 'delete') this.#removeRelation(key);
        else if (change.action === 'add') this.#addRelation(key);
      }
      this.#changed();
    };
    const onTypes = (): void => {
      this.#readTypes();
      this.#changed();
    };
    items.observe(onItems);
    relations.observe(onRelations);
    types.observe(onTypes);
    this.#stop = () => {
      items.unobserve(onItems);
      relations.unobserve(onRelations);
      types.unobserve(onTypes);
    };
  }

  /** Calls `listener` after each change the index took in; returns the remover. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#items.size;
  }

  get relationCount(): number {
    return this.#presentRelationCount;
  }

  #presentRelationCount = 0;

  /** The workspace's custom types by name. */
  get customTypes(): Readonly<Record<string, CiType>> {
    return this.#customTypes;
  }

  /** Built-in type names followed by the custom ones. */
  typeNames(): string[] {
    return [...BUILTIN_CI_TYPES, ...Object.keys(this.#customTypes).sort()];
  }

  get(id: string): CiItem | null {
    return this.#items.get(id)?.item ?? null;
  }

  has(id: string): boolean {
    return this.#items.has(id);
  }

  /** The item named `name`, ignoring case (names are unique in a workspace), or null. */
  findByName(name: string): CiItem | null {
    const lower = name.trim().toLowerCase();
    for (const entry of this.#items.values()) if (entry.sortKey === lower) return entry.item;
    return null;
  }

  /** Every item, by name. */
  sorted(): readonly IndexedItem[] {
    if (this.#sorted === null) {
      this.#sorted = [...this.#items.values()].sort((a, b) =>
        a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : a.item.id < b.item.id ? -1 : 1
      );
    }
    return this.#sorted;
  }

  /** The items that pass `query`, by name. */
  filter(query: CmdbQuery): CiItem[] {
    const q = (query.q ?? '').trim().toLowerCase();
    const out: CiItem[] = [];
    for (const entry of this.sorted()) if (matches(entry, query, q)) out.push(entry.item);
    return out;
  }

  /** The first `limit` items whose search string holds `q`, by name (for pickers). */
  search(q: string, limit: number, exclude: ReadonlySet<string> = new Set()): CiItem[] {
    const needle = q.trim().toLowerCase();
    const out: CiItem[] = [];
    for (const entry of this.sorted()) {
      if (out.length >= limit) break;
      if (!exclude.has(entry.item.id) && (needle === '' || entry.search.includes(needle))) {
        out.push(entry.item);
      }
    }
    return out;
  }

  /** The values the filters offer, counted over every item. */
  facets(): CmdbFacets {
    const facets: CmdbFacets = {
      types: new Map(),
      environments: new Map(),
      owners: new Map(),
      tags: new Map()
    };
    const bump = (map: Map<string, number>, key: string): void => {
      map.set(key, (map.get(key) ?? 0) + 1);
    };
    for (const { item } of this.#items.values()) {
      bump(facets.types, item.type);
      if (item.environment) bump(facets.environments, item.environment);
      if (item.owner) bump(facets.owners, item.owner);
      for (const tag of item.tags) bump(facets.tags, tag);
    }
    return facets;
  }

  /** The relations of `id` whose two ends exist: what it needs (`out`) and what needs it (`in`). */
  relationsOf(id: string): { out: CiRelation[]; in: CiRelation[] } {
    const out: CiRelation[] = [];
    const incoming: CiRelation[] = [];
    for (const key of this.#relationsByItem.get(id) ?? []) {
      const relation = this.#relations.get(key);
      if (relation === undefined || !this.#present(relation)) continue;
      if (relation.from === id) out.push(relation);
      else incoming.push(relation);
    }
    return { out, in: incoming };
  }

  /** Whether the relation is in the document (both ends present or not). */
  hasRelation(key: string): boolean {
    return this.#relations.has(key);
  }

  /** Stops observing the document. */
  destroy(): void {
    this.#stop();
    this.#listeners.clear();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  #present(relation: CiRelation): boolean {
    return this.#items.has(relation.from) && this.#items.has(relation.to);
  }

  #setItem(id: string, raw: unknown): void {
    const value = quickItemValue(raw) ?? parseItemValue(raw);
    const existed = this.#items.has(id);
    if (value === null) {
      // A malformed entry (only a broken client writes one) reads as absent.
      if (existed) this.#deleteItem(id);
      return;
    }
    const item: CiItem = { id, ...value };
    this.#items.set(id, { item, search: searchText(item), sortKey: item.name.toLowerCase() });
    this.#sorted = null;
    if (!existed) this.#linkRelationsOf(id, true);
  }

  #deleteItem(id: string): void {
    if (!this.#items.has(id)) return;
    this.#linkRelationsOf(id, false);
    this.#items.delete(id);
    this.#sorted = null;
  }

  /** An item appeared (or is going): its relations to present items join (leave) the graph. */
  #linkRelationsOf(id: string, appeared: boolean): void {
    for (const key of this.#relationsByItem.get(id) ?? []) {
      const relation = this.#relations.get(key);
      if (relation === undefined) continue;
      const other = relation.from === id ? relation.to : relation.from;
      if (!this.#items.has(other)) continue;
      if (appeared) this.#edge(relation, 1);
      else this.#edge(relation, -1);
    }
  }

  #addRelation(key: string): void {
    if (this.#relations.has(key)) return;
    const relation = parseRelationId(key);
    if (relation === null) return;
    this.#relations.set(key, relation);
    for (const end of [relation.from, relation.to]) {
      let set = this.#relationsByItem.get(end);
      if (!set) this.#relationsByItem.set(end, (set = new Set()));
      set.add(key);
    }
    if (this.#present(relation)) this.#edge(relation, 1);
  }

  #removeRelation(key: string): void {
    const relation = this.#relations.get(key);
    if (relation === undefined) return;
    if (this.#present(relation)) this.#edge(relation, -1);
    this.#relations.delete(key);
    for (const end of [relation.from, relation.to]) {
      const set = this.#relationsByItem.get(end);
      set?.delete(key);
      if (set?.size === 0) this.#relationsByItem.delete(end);
    }
  }

  /** Counts a present relation in (+1) or out (-1) of its graph edge. */
  #edge(relation: CiRelation, delta: 1 | -1): void {
    const pair = `${relation.from}~${relation.to}`;
    const before = this.#edgeCount.get(pair) ?? 0;
    const after = before + delta;
    this.#presentRelationCount += delta;
    if (after <= 0) this.#edgeCount.delete(pair);
    else this.#edgeCount.set(pair, after);
    if (before === 0 && after > 0) this.graph.add(relation.from, relation.to);
    else if (before > 0 && after <= 0) this.graph.remove(relation.from, relation.to);
  }

  #readTypes(): void {
    const out: Record<string, CiType> = {};
    for (const [name, raw] of typesMap(this.#doc)) {
      const parsed = ciTypeSchema.safeParse(raw);
      if (parsed.success) out[name] = parsed.data;
    }
    this.#customTypes = out;
  }
}
