/**
 * The content document of a task (`<ws>.task.<taskId>`, see doc-name.ts): the heavy parts of a
 * task that the board does not show, out of the board document so the board stays small
 * (ARCHITECTURE "Board scale"). Its root map `task` holds, in the same shapes they had inside
 * the board's task entry:
 *
 *   description — Y.Text (task-description.ts)
 *   checklist   — Y.Map<itemId, Y.Map> (task-checklist.ts)
 *   comments    — Y.Map<commentId, Y.Map> (task-comments.ts)
 *   runs        — Y.Map<`${runbookId}/${stepId}`, { doneBy, doneAt, text? }> (task-runs.ts)
 *   updatedAt   — when the content last changed (mirrored into the card by the server)
 *
 * The board's task entry keeps the card plus three summary fields written by the server
 * (`checklistDone`, `checklistTotal`, `commentCount`). Boards written before this layout hold
 * the content inside the entry; `readTask` reads it from there until the server has moved it
 * (board-layout-migration.ts).
 */
import * as Y from 'yjs';
import { readString, type FieldMap } from '../model/fields';
import { checklistCounts, readChecklist } from './task-checklist';
import { commentCount, readComments } from './task-comments';
import { readDescription, writeDescription } from './task-description';
import type { ChecklistItem, Comment } from './schema';

/** Name of the root map of a task document. */
export { TASK_CONTENT_MAP } from './task-doc-name';
import { TASK_CONTENT_MAP } from './task-doc-name';

/** The content keys: in a task document's root map, or (old layout) in the board's task entry. */
export const CONTENT_KEYS = ['description', 'checklist', 'comments', 'runs'] as const;

/** The summary fields of a board task entry, written by the server from the task document. */
export const SUMMARY_KEYS = ['checklistDone', 'checklistTotal', 'commentCount'] as const;

/** Card badges computed from a task's content. */
export interface TaskSummary {
  checklistDone: number;
  checklistTotal: number;
  commentCount: number;
}

/** What the task page shows of a task document. */
export interface TaskContent {
  description: string;
  checklist: ChecklistItem[];
  comments: Comment[];
}

/** The root map of a task document. */
export function taskContentOf(doc: Y.Doc): FieldMap {
  return doc.getMap<unknown>(TASK_CONTENT_MAP) as FieldMap;
}

/** Description, checklist and comments of a content map (a task document's, or an old entry). */
export function readTaskContent(map: FieldMap): TaskContent {
  return {
    description: readDescription(map),
    checklist: readChecklist(map),
    comments: readComments(map)
  };
}

/** The card summary of a content map. */
export function contentSummary(map: FieldMap): TaskSummary {
  const { done, total } = checklistCounts(map);
  return { checklistDone: done, checklistTotal: total, commentCount: commentCount(map) };
}

/**
 * The summary fields stored in a board task entry; an absent field is 0 (zeros are not stored:
 * most cards have no checklist or comments, and every byte of a card counts on a big board).
 */
export function storedSummary(entry: FieldMap): TaskSummary {
  const count = (key: (typeof SUMMARY_KEYS)[number]) => {
    const value = entry.get(key);
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
  };
  return {
    checklistDone: count('checklistDone'),
    checklistTotal: count('checklistTotal'),
    commentCount: count('commentCount')
  };
}

/** Whether a board task entry still holds content (old layout, or an old client's write). */
export function hasBoardContent(entry: FieldMap): boolean {
  return CONTENT_KEYS.some((key) => entry.has(key));
}

/**
 * Writes `summary` into a board task entry, setting only what differs (a 0 is stored as no
 * field); whether anything changed.
 */
export function writeSummary(entry: FieldMap, summary: TaskSummary): boolean {
  let changed = false;
  for (const key of SUMMARY_KEYS) {
    const value = summary[key];
    if (value === 0) {
      if (entry.has(key)) {
        entry.delete(key);
        changed = true;
      }
    } else if (entry.get(key) !== value) {
      entry.set(key, value);
      changed = true;
    }
  }
  return changed;
}

/** A plain copy of a nested map entry (checklist item, comment) as a new Y.Map. */
function copyMap(source: Y.Map<unknown>): Y.Map<unknown> {
  const copy = new Y.Map<unknown>();
  source.forEach((value, key) => {
    copy.set(key, value instanceof Y.AbstractType ? value.toJSON() : value);
  });
  return copy;
}

/** The nested map `key` of `target`, created when missing. */
function ensureMap(target: FieldMap, key: string): Y.Map<unknown> {
  const existing = target.get(key);
  if (existing instanceof Y.Map) return existing as Y.Map<unknown>;
  const created = new Y.Map<unknown>();
  target.set(key, created);
  return created;
}

/**
 * Copies the content held by an old-layout board task entry into a task document's root map,
 * merging: checklist items, comments and run steps are added by id when the target lacks them
 * (an id already there keeps the target's version); a description in the entry replaces the
 * target's (minimal splice). Copying the same entry twice changes nothing. Call inside a
 * transaction of the task document; `entry` is only read.
 */
export function copyBoardContent(entry: FieldMap, target: FieldMap): void {
  if (entry.has('description')) {
    // The entry's text is the newer one (an old client's edit, or the only copy): it wins, by
    // a minimal splice so a concurrent edit elsewhere in the document's text survives.
    writeDescription(target, readDescription(entry));
  }
  if (!(target.get('description') instanceof Y.Text)) {
    target.set('description', new Y.Text(readDescription(target)));
  }
  for (const key of ['checklist', 'comments', 'runs'] as const) {
    const source = entry.get(key);
    const into = ensureMap(target, key);
    if (!(source instanceof Y.Map)) continue;
    (source as Y.Map<unknown>).forEach((value, id) => {
      if (into.has(id)) return;
      if (value instanceof Y.Map) into.set(id, copyMap(value as Y.Map<unknown>));
      else if (typeof value === 'object' && value !== null) into.set(id, { ...value });
      else if (value !== undefined) into.set(id, value);
    });
  }
  const updated = readString(entry, 'updatedAt');
  const targetUpdated = readString(target, 'updatedAt');
  if (updated !== null && (targetUpdated === null || targetUpdated < updated)) {
    target.set('updatedAt', updated);
  }
}

/** Removes the content keys from a board task entry (after `copyBoardContent`). */
export function removeBoardContent(entry: FieldMap): void {
  for (const key of CONTENT_KEYS) {
    if (entry.has(key)) entry.delete(key);
  }
}

/** Sets up the containers of a new task document (one transaction by the caller). */
export function initTaskContent(doc: Y.Doc, description = ''): void {
  const map = taskContentOf(doc);
  if (!(map.get('description') instanceof Y.Text)) map.set('description', new Y.Text(description));
  ensureMap(map, 'checklist');
  ensureMap(map, 'comments');
  ensureMap(map, 'runs');
}
