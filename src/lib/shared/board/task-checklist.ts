/**
 * The checklist of a task: a nested `Y.Map<itemId, Y.Map{ text, done, position, doneBy,
 * doneAt }>` under the task's `checklist` key. Items are entries keyed by id and ordered by a
 * fractional position (like cards in a column), so items added or moved on two replicas at
 * the same time are all kept, each exactly once. Mutations follow the board-model rules:
 * validate and check references first, then write in one transaction with an activity entry.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import {
  DomainError,
  compareOrdered,
  entry,
  generateId,
  isoNow,
  parse,
  parseActor,
  placeAt,
  readString,
  setIfChanged,
  targetIndex,
  writePositions,
  type FieldMap,
  type Ordered,
  type TaskMutationOptions
} from './board-doc';
import {
  MAX_CHECKLIST_ITEMS,
  checklistItemPatchSchema,
  checklistTextSchema,
  idSchema
} from './schema';
import type { ChecklistItem, ChecklistItemPatchInput } from './schema';
import { TASK_CONTENT_MAP } from './task-doc-name';

/** The root map of a task document (see task-doc.ts). */
function contentOf(doc: Y.Doc): FieldMap {
  return doc.getMap<unknown>(TASK_CONTENT_MAP) as FieldMap;
}

/** Key of the checklist map inside a task entry. */
export const CHECKLIST_KEY = 'checklist';

/** Options of `addChecklistItem`. */
export interface AddChecklistItemOptions extends TaskMutationOptions {
  /** Id of the new item; generated when absent. */
  id?: string;
  /** Put the item just after this one (default: at the end). */
  afterId?: string;
}

const checklistMoveSchema = z
  .object({ beforeId: idSchema.optional(), afterId: idSchema.optional() })
  .strict();

/** A fresh, empty checklist map for a new task entry. */
export function newChecklistMap(): Y.Map<unknown> {
  return new Y.Map<unknown>();
}

function checklistOf(task: FieldMap): Y.Map<unknown> | null {
  const value = task.get(CHECKLIST_KEY);
  return value instanceof Y.Map ? (value as Y.Map<unknown>) : null;
}

/** The checklist map, created when missing (tasks older than checklists). In a transaction. */
function ensureChecklist(task: FieldMap): Y.Map<unknown> {
  const existing = checklistOf(task);
  if (existing !== null) return existing;
  const map = newChecklistMap();
  task.set(CHECKLIST_KEY, map);
  return map;
}

function readItem(map: FieldMap, id: string): ChecklistItem {
  return {
    id,
    text: readString(map, 'text') ?? '',
    done: map.get('done') === true,
    position: readString(map, 'position') ?? '',
    doneBy: readString(map, 'doneBy'),
    doneAt: readString(map, 'doneAt')
  };
}

/** The checklist of a task entry, sorted by position then id. */
export function readChecklist(task: FieldMap): ChecklistItem[] {
  const checklist = checklistOf(task);
  if (checklist === null) return [];
  const items: ChecklistItem[] = [];
  checklist.forEach((value, id) => {
    if (value instanceof Y.Map) items.push(readItem(value as FieldMap, id));
  });
  return items.sort(compareOrdered);
}

/** Done and total item counts of a task entry, without building the items. */
export function checklistCounts(task: FieldMap): { done: number; total: number } {
  const checklist = checklistOf(task);
  let done = 0;
  let total = 0;
  checklist?.forEach((value) => {
    if (!(value instanceof Y.Map)) return;
    total++;
    if ((value as FieldMap).get('done') === true) done++;
  });
  return { done, total };
}

function siblingsOf(task: FieldMap, excludeId: string | null): Ordered[] {
  const siblings: Ordered[] = [];
  checklistOf(task)?.forEach((value, id) => {
    if (id === excludeId || !(value instanceof Y.Map)) return;
    siblings.push({ id, position: readString(value as FieldMap, 'position') ?? '' });
  });
  return siblings.sort(compareOrdered);
}

function requireItem(task: FieldMap, itemId: string): FieldMap {
  const checklist = checklistOf(task);
  const item = checklist === null || typeof itemId !== 'string' ? null : entry(checklist, itemId);
  if (item === null) {
    throw new DomainError('not_found', `checklist item ${JSON.stringify(itemId)} not found`);
  }
  return item;
}

function neighbourError(id: string): DomainError {
  return new DomainError('invalid_input', `checklist item ${JSON.stringify(id)} does not exist`);
}

function touch(task: FieldMap, now: string): void {
  task.set('updatedAt', now);
}

/**
 * The mutations take the task document (`<ws>.task.<id>`): its root map holds the checklist.
 */

/** Adds an item to a task's checklist (at the end, or after `afterId`) and returns it. */
export function addChecklistItem(
  doc: Y.Doc,
  text: string,
  options: AddChecklistItemOptions = {}
): ChecklistItem {
  const value = parse(checklistTextSchema, text, 'checklist item text');
  const id = options.id === undefined ? generateId() : parse(idSchema, options.id, 'item id');
  const afterId =
    options.afterId === undefined ? undefined : parse(idSchema, options.afterId, 'afterId');
  const now = isoNow(options.now);
  parseActor(options.actor);
  const task = contentOf(doc);
  const existing = checklistOf(task);
  if (existing !== null && existing.has(id)) {
    throw new DomainError('conflict', `checklist item ${JSON.stringify(id)} already exists`);
  }
  const siblings = siblingsOf(task, null);
  if (siblings.length >= MAX_CHECKLIST_ITEMS) {
    throw new DomainError('conflict', `a checklist holds at most ${MAX_CHECKLIST_ITEMS} items`);
  }
  const index = targetIndex(siblings, undefined, afterId, neighbourError);
  const placement = placeAt(siblings, index);
  doc.transact(() => {
    const checklist = ensureChecklist(task);
    const map = new Y.Map<unknown>();
    checklist.set(id, map);
    map.set('text', value);
    map.set('done', false);
    map.set('position', placement.position);
    map.set('doneBy', null);
    map.set('doneAt', null);
    writePositions(checklist, placement.rekeyed);
    touch(task, now);
  }, options.origin);
  return readItem(requireItem(task, id), id);
}

/**
 * Changes an item's text and/or done state. Ticking it off records who and when (`doneBy` =
 * the actor, `doneAt` = now); clearing it clears both. A patch that changes nothing writes
 * nothing.
 */
export function updateChecklistItem(
  doc: Y.Doc,
  itemId: string,
  patch: ChecklistItemPatchInput,
  options: TaskMutationOptions = {}
): ChecklistItem {
  const data = parse(checklistItemPatchSchema, patch, 'checklist item patch');
  const now = isoNow(options.now);
  const actor = parseActor(options.actor);
  const task = contentOf(doc);
  const item = requireItem(task, itemId);
  const current = readItem(item, itemId);
  const textChanged = data.text !== undefined && data.text !== current.text;
  const doneChanged = data.done !== undefined && data.done !== current.done;
  if (!textChanged && !doneChanged) return current;
  doc.transact(() => {
    if (data.text !== undefined) setIfChanged(item, 'text', data.text);
    if (data.done !== undefined && data.done !== current.done) {
      item.set('done', data.done);
      item.set('doneBy', data.done ? actor : null);
      item.set('doneAt', data.done ? now : null);
    }
    task.set('updatedAt', now);
  }, options.origin);
  return readItem(item, itemId);
}

/** Removes an item from a task's checklist. */
export function removeChecklistItem(
  doc: Y.Doc,
  itemId: string,
  options: TaskMutationOptions = {}
): void {
  const now = isoNow(options.now);
  parseActor(options.actor);
  const task = contentOf(doc);
  requireItem(task, itemId);
  doc.transact(() => {
    checklistOf(task)?.delete(itemId);
    touch(task, now);
  }, options.origin);
}

/**
 * Moves an item just before `beforeId`, else just after `afterId`, else to the end. A reorder
 * records no activity (as a reorder of cards within a column).
 */
export function moveChecklistItem(
  doc: Y.Doc,
  itemId: string,
  target: { beforeId?: string; afterId?: string },
  options: TaskMutationOptions = {}
): ChecklistItem {
  const data = parse(checklistMoveSchema, target, 'checklist move');
  const now = isoNow(options.now);
  parseActor(options.actor);
  const task = contentOf(doc);
  const item = requireItem(task, itemId);
  if (data.beforeId === itemId || data.afterId === itemId) {
    throw new DomainError('invalid_input', 'an item cannot be placed next to itself');
  }
  const siblings = siblingsOf(task, itemId);
  const index = targetIndex(siblings, data.beforeId, data.afterId, neighbourError);
  const placement = placeAt(siblings, index);
  doc.transact(() => {
    item.set('position', placement.position);
    const checklist = checklistOf(task);
    if (checklist !== null) writePositions(checklist, placement.rekeyed);
    task.set('updatedAt', now);
  }, options.origin);
  return readItem(item, itemId);
}
