/**
 * The CMDB document (`<ws>.cmdb`, docs/design.md §2) and its graph.
 *
 * - `items`: item id → `CiValue`, one plain JSON value per item, replaced whole by an edit.
 * - `relations`: relation id → `true`, the id being `<from>~<to>~<type>` (`relationId`): a
 *   relation says everything in its key, so 60,000 of them cost one small entry each, and two
 *   devices adding the same relation offline add one.
 * - `types`: custom type name → `CiType`.
 *
 * Why plain values and not a `Y.Map` per item: 20,000 items as nested maps decode in about twice
 * the time (ARCHITECTURE "The CMDB"). Two people editing different fields of one item at the
 * same moment keep the later edit; the history records both.
 *
 * `CmdbGraph` is the dependency graph over the relations, used alike by the pages (impact, graph,
 * cycle check before writing) and the server (cycle check, the repair of cycles made offline).
 * Every relation type counts: `from` needs `to`, so an item's impact is everything with a path to it.
 */
import type * as Y from 'yjs';
import {
  BUILTIN_CI_TYPES,
  ciTypeSchema,
  ciValueSchema,
  relationTypeSchema,
  type CiItem,
  type CiRelation,
  type CiType,
  type CiValue,
  type CustomField,
  type RelationType
} from './schema';
import { isValidId } from '../doc-name';

export const CMDB_ITEMS = 'items';
export const CMDB_RELATIONS = 'relations';
export const CMDB_TYPES = 'types';

const SEPARATOR = '~';

export function itemsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(CMDB_ITEMS);
}
export function relationsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(CMDB_RELATIONS);
}
export function typesMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(CMDB_TYPES);
}

/** The id of the relation `from` → `to` of `type`. */
export function relationId(from: string, to: string, type: RelationType): string {
  return `${from}${SEPARATOR}${to}${SEPARATOR}${type}`;
}

/** The relation a key names; null for a key that does not read as one. */
export function parseRelationId(id: string): CiRelation | null {
  const parts = id.split(SEPARATOR);
  if (parts.length !== 3) return null;
  const [from = '', to = '', rawType = ''] = parts;
  const type = relationTypeSchema.safeParse(rawType);
  if (!type.success || !isValidId(from) || !isValidId(to) || from === to) return null;
  return { id, from, to, type: type.data };
}

/** An item's value as stored, or null when missing or malformed. */
export function readItemValue(doc: Y.Doc, id: string): CiValue | null {
  return parseItemValue(itemsMap(doc).get(id));
}

export function parseItemValue(raw: unknown): CiValue | null {
  const parsed = ciValueSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function readItem(doc: Y.Doc, id: string): CiItem | null {
  const value = readItemValue(doc, id);
  return value === null ? null : { id, ...value };
}

/** Every well-formed item (malformed entries, which only a broken client writes, are skipped). */
export function readItems(doc: Y.Doc): CiItem[] {
  const out: CiItem[] = [];
  for (const [id, raw] of itemsMap(doc)) {
    const value = parseItemValue(raw);
    if (value !== null) out.push({ id, ...value });
  }
  return out;
}

/** Every relation whose two ends are present. */
export function readRelations(doc: Y.Doc): CiRelation[] {
  const items = itemsMap(doc);
  const out: CiRelation[] = [];
  for (const key of relationsMap(doc).keys()) {
    const relation = parseRelationId(key);
    if (relation !== null && items.has(relation.from) && items.has(relation.to)) out.push(relation);
  }
  return out;
}

export function readCustomTypes(doc: Y.Doc): Record<string, CiType> {
  const out: Record<string, CiType> = {};
  for (const [name, raw] of typesMap(doc)) {
    const parsed = ciTypeSchema.safeParse(raw);
    if (parsed.success) out[name] = parsed.data;
  }
  return out;
}

/** Whether `type` names a built-in type or one of `custom`. */
export function isKnownType(type: string, custom: Record<string, CiType>): boolean {
  return (BUILTIN_CI_TYPES as readonly string[]).includes(type) || Object.hasOwn(custom, type);
}

/** A problem with one custom field of an item: its key and what is wrong (an i18n key). */
export interface FieldProblem {
  field: string;
  problem: 'required' | 'not_number' | 'not_boolean' | 'not_date' | 'not_choice';
}

/** Checks an item's attributes against its custom type's fields; empty when all is well. */
export function checkCustomFields(
  fields: readonly CustomField[],
  attributes: Record<string, unknown>
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of fields) {
    const value = attributes[field.key];
    if (value === undefined || value === null || value === '') {
      if (field.required) problems.push({ field: field.key, problem: 'required' });
      continue;
    }
    if (field.type === 'number' && typeof value !== 'number') {
      problems.push({ field: field.key, problem: 'not_number' });
    } else if (field.type === 'boolean' && typeof value !== 'boolean') {
      problems.push({ field: field.key, problem: 'not_boolean' });
    } else if (
      field.type === 'date' &&
      (typeof value !== 'string' ||
        !/^\d{4}-\d{2}-\d{2}/.test(value) ||
        Number.isNaN(Date.parse(value)))
    ) {
      problems.push({ field: field.key, problem: 'not_date' });
    } else if (field.type === 'choice' && !(field.choices ?? []).includes(String(value))) {
      problems.push({ field: field.key, problem: 'not_choice' });
    }
  }
  return problems;
}

/** Writes (creates or replaces) an item. */
export function writeItem(doc: Y.Doc, id: string, value: CiValue): void {
  itemsMap(doc).set(id, { ...value, attributes: { ...value.attributes }, tags: [...value.tags] });
}

/** Deletes an item and every relation that touches it, in one transaction. */
export function deleteItem(doc: Y.Doc, id: string): void {
  const relations = relationsMap(doc);
  doc.transact(() => {
    itemsMap(doc).delete(id);
    for (const key of [...relations.keys()]) {
      const relation = parseRelationId(key);
      if (relation === null || relation.from === id || relation.to === id) relations.delete(key);
    }
  });
}

export function writeRelation(doc: Y.Doc, relation: Omit<CiRelation, 'id'>): string {
  const id = relationId(relation.from, relation.to, relation.type);
  relationsMap(doc).set(id, true);
  return id;
}

/** A node of the graph at its distance from the start (1 = a direct neighbour). */
export interface Reached {
  id: string;
  depth: number;
}

/**
 * The dependency graph of a CMDB: for each item, what it needs (`out`, the `to` of its
 * relations) and what needs it (`in`). Built from relation ids in one pass; cheap to rebuild.
 */
export class CmdbGraph {
  // Neighbours with the number of relations between the two (of different types).
  private readonly out = new Map<string, Map<string, number>>();
  private readonly in = new Map<string, Map<string, number>>();

  constructor(relations: Iterable<Pick<CiRelation, 'from' | 'to'>> = []) {
    for (const relation of relations) this.add(relation.from, relation.to);
  }

  static ofDoc(doc: Y.Doc): CmdbGraph {
    return new CmdbGraph(readRelations(doc));
  }

  add(from: string, to: string): void {
    link(this.out, from, to);
    link(this.in, to, from);
  }

  remove(from: string, to: string): void {
    unlink(this.out, from, to);
    unlink(this.in, to, from);
  }

  /** What `id` needs directly. */
  dependencies(id: string): string[] {
    return [...(this.out.get(id)?.keys() ?? [])];
  }

  /** What needs `id` directly. */
  dependents(id: string): string[] {
    return [...(this.in.get(id)?.keys() ?? [])];
  }

  /** Whether adding `from` → `to` would close a cycle: `to` already reaches `from`. */
  wouldCycle(from: string, to: string): boolean {
    if (from === to) return true;
    return this.walk(to, 'out', Infinity).some((r) => r.id === from);
  }

  /** Whether the graph has a cycle anywhere (Kahn's algorithm: linear in items and relations). */
  hasCycle(): boolean {
    const indegree = new Map<string, number>();
    for (const [from, targets] of this.out) {
      if (!indegree.has(from)) indegree.set(from, 0);
      for (const to of targets.keys()) indegree.set(to, (indegree.get(to) ?? 0) + 1);
    }
    const ready = [...indegree].filter(([, n]) => n === 0).map(([id]) => id);
    let removed = 0;
    while (ready.length > 0) {
      const id = ready.pop() as string;
      removed++;
      for (const to of this.out.get(id)?.keys() ?? []) {
        const left = (indegree.get(to) ?? 0) - 1;
        indegree.set(to, left);
        if (left === 0) ready.push(to);
      }
    }
    return removed < indegree.size;
  }

  /**
   * Adds `edges` in order, skipping each one that would close a cycle with those before it;
   * returns the skipped ones. Many edges at once (an import, a device that was offline) cost one
   * linear check when none closes a cycle, not a walk per edge.
   */
  addAcyclic<E extends { from: string; to: string }>(edges: readonly E[]): E[] {
    if (edges.length > 8) {
      for (const edge of edges) this.add(edge.from, edge.to);
      if (!this.hasCycle()) return [];
      for (const edge of edges) this.remove(edge.from, edge.to);
    }
    const refused: E[] = [];
    for (const edge of edges) {
      if (this.wouldCycle(edge.from, edge.to)) refused.push(edge);
      else this.add(edge.from, edge.to);
    }
    return refused;
  }

  /** Everything that depends on `id`, directly or transitively, at its shortest depth. */
  impact(id: string, maxDepth = Infinity): Reached[] {
    return this.walk(id, 'in', maxDepth);
  }

  /** Everything `id` needs, directly or transitively. */
  needs(id: string, maxDepth = Infinity): Reached[] {
    return this.walk(id, 'out', maxDepth);
  }

  /** Breadth-first from `start` along one direction; each node once, at its shortest depth. */
  private walk(start: string, direction: 'in' | 'out', maxDepth: number): Reached[] {
    const edges = direction === 'in' ? this.in : this.out;
    const seen = new Set<string>([start]);
    const reached: Reached[] = [];
    let frontier = [start];
    for (let depth = 1; frontier.length > 0 && depth <= maxDepth; depth++) {
      const next: string[] = [];
      for (const node of frontier) {
        for (const neighbour of edges.get(node)?.keys() ?? []) {
          if (seen.has(neighbour)) continue;
          seen.add(neighbour);
          reached.push({ id: neighbour, depth });
          next.push(neighbour);
        }
      }
      frontier = next;
    }
    return reached;
  }
}

function link(map: Map<string, Map<string, number>>, a: string, b: string): void {
  let neighbours = map.get(a);
  if (!neighbours) map.set(a, (neighbours = new Map()));
  neighbours.set(b, (neighbours.get(b) ?? 0) + 1);
}

function unlink(map: Map<string, Map<string, number>>, a: string, b: string): void {
  const neighbours = map.get(a);
  const count = neighbours?.get(b);
  if (!neighbours || count === undefined) return;
  if (count > 1) neighbours.set(b, count - 1);
  else neighbours.delete(b);
}
