/**
 * The board's side of a document reset (docs/ARCHITECTURE.md, "Rebasing a document"). When the
 * server rebased the board, this device's copy belongs to a retired generation and is dropped
 * (connect-doc.ts). Before that, `saveBoardChanges` keeps the tasks this device may have
 * changed since it was last in sync, as plain values in localStorage; after the reload, once
 * the fresh board is synced, `reapplyBoardChanges` writes them back with the board model and
 * forgets the record:
 * - a task the server has, whose saved `updatedAt` is newer: its scalar fields are patched
 *   (title, description, kind, status, assignee, priority, labels, due date, estimate,
 *   progress, archived) where they differ;
 * - a task the server lacks and this device created since it was last in sync: created again,
 *   with its id;
 * - a task the server lacks and this device did not create: it was moved out (archived) on the
 *   server meanwhile; left alone, with a console warning.
 * Checklists, comments and links are not carried over (they are edited online, on the task page).
 */
import type * as Y from 'yjs';
import {
  createTask,
  getTask,
  listColumns,
  listLabels,
  listTasks,
  updateTask
} from '$lib/shared/board/board-model';
import type { Task, TaskPatchInput } from '$lib/shared/board/schema';

/** Where the saved changes of `docName` wait for the reload (localStorage). */
export function savedChangesKey(docName: string): string {
  return `runboard:reset-changes:${docName}`;
}

/** The fields of a task a reset carries over. */
type SavedFields = Pick<
  Task,
  | 'title'
  | 'description'
  | 'kind'
  | 'status'
  | 'assignee'
  | 'priority'
  | 'labels'
  | 'dueAt'
  | 'estimateMinutes'
  | 'progress'
  | 'archivedAt'
>;

interface SavedTask extends SavedFields {
  id: string;
  createdAt: string;
  updatedAt: string;
}

interface SavedChanges {
  version: 1;
  savedAt: string;
  /** When this device was last in sync before the reset (null: unknown, every task counts). */
  lastSyncedAt: string | null;
  tasks: SavedTask[];
}

/** What `localStorage` offers that this needs (a Map-backed object does in tests). */
export type ChangeStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** What `reapplyBoardChanges` did. */
export interface ReapplySummary {
  updated: string[];
  created: string[];
  /** Saved tasks the server no longer has and this device did not create (archived). */
  gone: string[];
  /** Saved tasks the board model refused (e.g. their column was removed meanwhile). */
  failed: string[];
}

function savedFields(task: Task): SavedTask {
  return {
    id: task.id,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    title: task.title,
    description: task.description,
    kind: task.kind,
    status: task.status,
    assignee: task.assignee,
    priority: task.priority,
    labels: task.labels,
    dueAt: task.dueAt,
    estimateMinutes: task.estimateMinutes,
    progress: task.progress,
    archivedAt: task.archivedAt
  };
}

/**
 * Saves the tasks of `doc` changed (or created) after `lastSyncedAt`, every task when it is
 * null. Returns how many were saved; nothing is written when none were.
 */
export function saveBoardChanges(
  doc: Y.Doc,
  docName: string,
  lastSyncedAt: string | null,
  storage: ChangeStorage
): number {
  const tasks = listTasks(doc)
    .filter((task) => lastSyncedAt === null || task.updatedAt > lastSyncedAt)
    .map(savedFields);
  if (tasks.length === 0) return 0;
  const record: SavedChanges = {
    version: 1,
    savedAt: new Date().toISOString(),
    lastSyncedAt,
    tasks
  };
  try {
    storage.setItem(savedChangesKey(docName), JSON.stringify(record));
  } catch (error) {
    console.warn(`board: could not keep the changes of ${docName} across its reset`, error);
    return 0;
  }
  return tasks.length;
}

function readSaved(docName: string, storage: ChangeStorage): SavedChanges | null {
  try {
    const text = storage.getItem(savedChangesKey(docName));
    if (text === null) return null;
    const record = JSON.parse(text) as SavedChanges;
    return record.version === 1 && Array.isArray(record.tasks) ? record : null;
  } catch {
    return null;
  }
}

/** The patch that turns `current` into `saved` (only what differs), or null. */
function patchFor(saved: SavedTask, current: Task, columns: Set<string>, labels: Set<string>) {
  const patch: TaskPatchInput = {};
  const scalar = [
    'title',
    'description',
    'kind',
    'assignee',
    'priority',
    'dueAt',
    'estimateMinutes',
    'progress'
  ] as const;
  for (const field of scalar) {
    if (saved[field] !== current[field]) Object.assign(patch, { [field]: saved[field] });
  }
  if (saved.status !== current.status && columns.has(saved.status)) patch.status = saved.status;
  const savedLabels = saved.labels.filter((id) => labels.has(id)).sort();
  if (savedLabels.join(',') !== [...current.labels].sort().join(',')) patch.labels = savedLabels;
  if ((saved.archivedAt === null) !== (current.archivedAt === null)) {
    patch.archived = saved.archivedAt !== null;
  }
  return Object.keys(patch).length > 0 ? patch : null;
}

/**
 * Writes the changes saved before a reset back into the fresh, synced board `doc` (see the
 * module comment), in one transaction, then forgets them. Returns what it did.
 */
export function reapplyBoardChanges(
  doc: Y.Doc,
  docName: string,
  storage: ChangeStorage
): ReapplySummary {
  const summary: ReapplySummary = { updated: [], created: [], gone: [], failed: [] };
  const record = readSaved(docName, storage);
  if (record === null) return summary;
  const columns = new Set(listColumns(doc).map((c) => c.id));
  const labels = new Set(listLabels(doc).map((l) => l.id));
  doc.transact(() => {
    for (const saved of record.tasks) {
      try {
        const current = getTask(doc, saved.id);
        if (current !== null) {
          if (saved.updatedAt <= current.updatedAt) continue;
          const patch = patchFor(saved, current, columns, labels);
          if (patch === null) continue;
          updateTask(doc, saved.id, patch);
          summary.updated.push(saved.id);
        } else if (record.lastSyncedAt === null || saved.createdAt > record.lastSyncedAt) {
          createTask(
            doc,
            {
              title: saved.title,
              description: saved.description,
              kind: saved.kind,
              ...(columns.has(saved.status) ? { status: saved.status } : {}),
              assignee: saved.assignee,
              priority: saved.priority,
              labels: saved.labels.filter((id) => labels.has(id)),
              dueAt: saved.dueAt,
              estimateMinutes: saved.estimateMinutes,
              progress: saved.progress
            },
            { id: saved.id }
          );
          summary.created.push(saved.id);
        } else {
          summary.gone.push(saved.id);
        }
      } catch (error) {
        console.warn(`board: could not re-apply the saved change of task ${saved.id}`, error);
        summary.failed.push(saved.id);
      }
    }
  });
  if (summary.gone.length > 0) {
    console.warn(
      `board: ${summary.gone.length} task(s) changed on this device before the board was ` +
        `compacted are no longer on the board (archived on the server); their changes were ` +
        `not re-applied: ${summary.gone.join(', ')}`
    );
  }
  try {
    storage.removeItem(savedChangesKey(docName));
  } catch {
    // Blocked storage: re-applying again later changes nothing that is not newer.
  }
  return summary;
}
