/**
 * Low-level access to a board `Y.Doc`, shared by the modules of the board model
 * (board-model.ts, task-description.ts, task-activity.ts, task-checklist.ts, task-comments.ts):
 * the top-level maps, tolerant field readers, and fractional ordering; the
 * model kit (ids, parsing, actor, time, `DomainError`) is re-exported from ../model. Callers import the public parts through board-model.ts.
 */
import * as Y from 'yjs';
import { generateNKeysBetween, isValidKey } from '../fractional-index';
import type { ActedMutationOptions } from '../model/actor';
import { DomainError } from '../model/domain-error';
import { readString, type FieldMap } from '../model/fields';

// The model kit, re-exported so the board modules keep one import site.
export { DomainError } from '../model/domain-error';
export { GENERATED_ID_LENGTH, generateId } from '../model/ids';
export { parseActor } from '../model/actor';
export { parseInput as parse } from '../model/parse';
export { isoNow } from '../model/time';
export { readString, type FieldMap };

export type { MutationOptions } from '../model/actor';
/** Options of a task mutation: who acts and when (see `ActedMutationOptions`). */
export type TaskMutationOptions = ActedMutationOptions;

// ---------------------------------------------------------------------------------------------
// Document access

/** The tasks map of a board. */
export function tasksOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>('tasks');
}

/** The columns map of a board. */
export function columnsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>('columns');
}

/** The labels map of a board. */
export function labelsOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>('labels');
}

/** The meta map of a board. */
export function metaOf(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>('meta');
}

/** The entry `id` of `map` when it is a Y.Map, else null (missing or damaged). */
export function entry(map: Y.Map<unknown>, id: string): FieldMap | null {
  const value = map.get(id);
  return value instanceof Y.Map ? (value as FieldMap) : null;
}

/** An integer field, or null when unset or of another type. */
export function readInt(map: FieldMap, key: string): number | null {
  const value = map.get(key);
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/** `value` when it is one of `options`, else `fallback`. */
export function readEnum<T extends string>(value: unknown, options: readonly T[], fallback: T): T {
  return typeof value === 'string' && (options as readonly string[]).includes(value)
    ? (value as T)
    : fallback;
}

/** Sets `key` only when the value differs, so unchanged fields do not win over remote edits. */
export function setIfChanged(map: FieldMap, key: string, value: unknown): boolean {
  if (map.get(key) === value) return false;
  map.set(key, value);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Validation helpers

/** The task entry `id`; DomainError `not_found` when there is none. */
export function requireTask(doc: Y.Doc, id: string): FieldMap {
  const map = typeof id === 'string' ? entry(tasksOf(doc), id) : null;
  if (map === null) throw new DomainError('not_found', `task ${JSON.stringify(id)} not found`);
  return map;
}

// ---------------------------------------------------------------------------------------------
// Ordering

/** Something ordered by a fractional position, ties broken by id. */
export interface Ordered {
  id: string;
  position: string;
}

/** Sort order of ordered items: position, then id. */
export function compareOrdered(a: Ordered, b: Ordered): number {
  if (a.position !== b.position) return a.position < b.position ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Where an item goes, and which siblings had to move to make room. */
export interface Placement {
  /** Key for the item being placed. */
  position: string;
  /** Siblings that had to be re-keyed to make room (ties or malformed keys). */
  rekeyed: Ordered[];
}

/**
 * Positions that put a new item at `index` of `siblings` (sorted by position then id, without
 * the item itself). Normally one key between the two neighbours. When the neighbours tie (two
 * replicas generated the same key) or a neighbour's key is malformed, there is no room between
 * them, so the run of tied/malformed siblings is re-keyed along with the item, keeping the
 * visible order.
 */
export function placeAt(siblings: readonly Ordered[], index: number): Placement {
  let start = index;
  while (start > 0 && !isValidKey(siblings[start - 1]?.position ?? '')) start--;
  const lower = start > 0 ? (siblings[start - 1]?.position ?? null) : null;
  let end = index;
  for (; end < siblings.length; end++) {
    const key = siblings[end]?.position ?? '';
    if (isValidKey(key) && (lower === null || key > lower)) break;
  }
  const upper = siblings[end]?.position ?? null;
  const before = siblings.slice(start, index);
  const after = siblings.slice(index, end);
  const keys = generateNKeysBetween(lower, upper, before.length + 1 + after.length);
  const rekeyed: Ordered[] = [];
  let k = 0;
  for (const sibling of before) rekeyed.push({ id: sibling.id, position: keys[k++] ?? '' });
  const position = keys[k++] ?? '';
  for (const sibling of after) rekeyed.push({ id: sibling.id, position: keys[k++] ?? '' });
  return { position, rekeyed };
}

/** Insertion index from `beforeId`/`afterId` (ids of siblings); end of list when neither. */
export function targetIndex(
  siblings: readonly Ordered[],
  beforeId: string | undefined,
  afterId: string | undefined,
  describe: (id: string) => DomainError
): number {
  if (beforeId !== undefined) {
    const index = siblings.findIndex((s) => s.id === beforeId);
    if (index < 0) throw describe(beforeId);
    return index;
  }
  if (afterId !== undefined) {
    const index = siblings.findIndex((s) => s.id === afterId);
    if (index < 0) throw describe(afterId);
    return index + 1;
  }
  return siblings.length;
}

/** Writes re-keyed positions to the entries of `map`. */
export function writePositions(map: Y.Map<unknown>, items: readonly Ordered[]): void {
  for (const item of items) {
    const target = entry(map, item.id);
    if (target !== null) target.set('position', item.position);
  }
}
