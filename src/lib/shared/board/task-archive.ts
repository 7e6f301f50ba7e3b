/**
 * The board side of the task archive (docs/ARCHITECTURE.md, "Board scale", point 2): when a
 * task counts as finished, and how an archived card is written back into the board. The
 * server moves finished tasks out (server/archive/archive-service.ts); these rules are shared so
 * the browser can tell the same.
 */
import * as Y from 'yjs';
import { columnsOf, entry, readString, tasksOf, type FieldMap } from './board-doc';
import type { Column, Task } from './schema';

/** Category of every column, by id. */
export function columnCategories(doc: Y.Doc): Map<string, Column['category']> {
  const categories = new Map<string, Column['category']>();
  columnsOf(doc).forEach((value, id) => {
    if (!(value instanceof Y.Map)) return;
    const category: unknown = value.get('category');
    if (category === 'todo' || category === 'in_progress' || category === 'done') {
      categories.set(id, category);
    }
  });
  return categories;
}

/** The fields `finishedAt` reads; a `Task` or a task entry's plain values. */
export interface FinishFields {
  status: string | null;
  doneAt: string | null;
  resolvedAt: string | null;
  archivedAt: string | null;
}

/**
 * When a task was finished, or null while it is not: archived (archivedAt set), or in a done
 * column with doneAt or resolvedAt set. The latest of those times counts. A task that left its
 * done column is not finished, whatever its old resolvedAt says.
 */
export function finishedAt(
  task: FinishFields,
  categories: ReadonlyMap<string, Column['category']>
): string | null {
  const times: string[] = [];
  if (task.archivedAt !== null) times.push(task.archivedAt);
  if (task.status !== null && categories.get(task.status) === 'done') {
    if (task.doneAt !== null) times.push(task.doneAt);
    if (task.resolvedAt !== null) times.push(task.resolvedAt);
  }
  if (times.length === 0) return null;
  return times.sort()[times.length - 1] ?? null;
}

/** `finishedAt` of a task entry of the board. */
export function entryFinishedAt(
  map: FieldMap,
  categories: ReadonlyMap<string, Column['category']>
): string | null {
  return finishedAt(
    {
      status: readString(map, 'status'),
      doneAt: readString(map, 'doneAt'),
      resolvedAt: readString(map, 'resolvedAt'),
      archivedAt: readString(map, 'archivedAt')
    },
    categories
  );
}

/**
 * Whether a task entry still holds per-task content that only the board has (checklist items,
 * comments, ticked runbook steps): such a task stays on the board until that content lives in
 * its own task document, so moving the card never loses it.
 */
export function entryHoldsContent(map: FieldMap): boolean {
  for (const key of ['checklist', 'comments', 'runs']) {
    const value: unknown = map.get(key);
    if (value instanceof Y.Map && value.size > 0) return true;
  }
  return false;
}

/**
 * Writes an archived card back into the board as a live task entry: same id, key and fields,
 * in its column (the first done column, else the first column, when that one is gone). Call
 * inside a transaction; returns false when a task with that id is already on the board (a live
 * task wins over its archived row).
 */
export function writeArchivedCard(doc: Y.Doc, task: Task): boolean {
  const tasks = tasksOf(doc);
  if (entry(tasks, task.id) !== null) return false;
  const categories = columnCategories(doc);
  let status = task.status;
  if (!categories.has(status)) {
    status =
      [...categories].find(([, category]) => category === 'done')?.[0] ??
      [...categories.keys()][0] ??
      status;
  }
  // The card in the compact layout (board-rebase.ts): unset fields are left out; the content
  // (description, checklist, comments, run steps) stayed in the task's document all along, the
  // summaries the card shows of it come back with it.
  const map = new Y.Map<unknown>();
  tasks.set(task.id, map);
  const fields: Record<string, unknown> = {
    key: task.key,
    title: task.title,
    kind: task.kind,
    status,
    position: task.position,
    assignee: task.assignee,
    priority: task.priority,
    dueAt: task.dueAt,
    estimateMinutes: task.estimateMinutes,
    progress: task.progress,
    createdAt: task.createdAt,
    createdBy: task.createdBy,
    updatedAt: task.updatedAt,
    startedAt: task.startedAt,
    acknowledgedAt: task.acknowledgedAt,
    resolvedAt: task.resolvedAt,
    doneAt: task.doneAt,
    archivedAt: task.archivedAt,
    checklistDone: task.checklistDone || null,
    checklistTotal: task.checklistTotal || null,
    commentCount: task.commentCount || null
  };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== null && value !== undefined) map.set(key, value);
  }
  const labels = new Y.Map<unknown>();
  map.set('labels', labels);
  for (const label of task.labels) labels.set(label, true);
  const links = new Y.Map<unknown>();
  map.set('links', links);
  for (const link of task.links) links.set(`${link.type}:${link.target}`, link);
  return true;
}
