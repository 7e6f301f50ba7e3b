/**
 * Bulk edit of the task list: one change applied to many tasks in one transaction of the board
 * document, so the selection changes at once for everyone and counts as one pending change
 * while offline.
 */
import type * as Y from 'yjs';
import { getTask, updateTask, updateTasks } from '$lib/shared/board/board-model';
import {
  MAX_BULK_TASKS,
  type Priority,
  type Task,
  type TaskPatchInput
} from '$lib/shared/board/schema';

/** One change the bulk bar can make. */
export type BulkChange =
  | { type: 'status'; status: string }
  | { type: 'assignee'; assignee: string | null }
  | { type: 'priority'; priority: Priority }
  | { type: 'addLabel'; label: string }
  | { type: 'archived'; archived: boolean };

/** The patch that makes `change` to `task`, or null when the task already has it. */
export function bulkPatch(task: Task, change: BulkChange): TaskPatchInput | null {
  switch (change.type) {
    case 'status':
      return task.status === change.status ? null : { status: change.status };
    case 'assignee':
      return task.assignee === change.assignee ? null : { assignee: change.assignee };
    case 'priority':
      return task.priority === change.priority ? null : { priority: change.priority };
    case 'addLabel':
      return task.labels.includes(change.label) ? null : { labels: [...task.labels, change.label] };
    case 'archived':
      return (task.archivedAt !== null) === change.archived ? null : { archived: change.archived };
  }
}

/**
 * Applies `change` to the tasks `ids` of `doc` and returns how many actually changed; ids of
 * tasks that no longer exist and tasks that already have the value are skipped. Call it inside
 * one transaction (`WorkspaceBoard.edit`): a change shared by all tasks goes through the model's
 * `updateTasks` in slices of its limit, adding a label (a different label set per task) through
 * `updateTask` per task; either way it is one update for the other clients.
 */
export function applyBulkChange(
  doc: Y.Doc,
  ids: Iterable<string>,
  change: BulkChange,
  actor: string
): number {
  const patches = new Map<string, TaskPatchInput>();
  for (const id of new Set(ids)) {
    const task = getTask(doc, id);
    const patch = task === null ? null : bulkPatch(task, change);
    if (patch !== null) patches.set(id, patch);
  }
  if (change.type === 'addLabel') {
    for (const [id, patch] of patches) updateTask(doc, id, patch, { actor });
    return patches.size;
  }
  // Every patch of this change is the same; any of them stands for all.
  const [patch] = patches.values();
  if (patch === undefined) return 0;
  const changing = [...patches.keys()];
  for (let i = 0; i < changing.length; i += MAX_BULK_TASKS) {
    updateTasks(doc, changing.slice(i, i + MAX_BULK_TASKS), patch, { actor });
  }
  return changing.length;
}
