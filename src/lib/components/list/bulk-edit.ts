/**
 * Bulk edit of the task list: one change applied to many tasks in one transaction of the board
 * document, so the selection changes at once for everyone and counts as one pending change
 * while offline.
 */
import type * as Y from 'yjs';
import { getTask, updateTask } from '$lib/shared/board/board-model';
import type { Priority, Task, TaskPatchInput } from '$lib/shared/board/schema';

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
 * Applies `change` to the tasks `ids` of `doc` (call inside one transaction) and returns how
 * many actually changed; ids of tasks that no longer exist are skipped.
 */
export function applyBulkChange(
  doc: Y.Doc,
  ids: Iterable<string>,
  change: BulkChange,
  actor: string
): number {
  let changed = 0;
  for (const id of ids) {
    const task = getTask(doc, id);
    if (task === null) continue;
    const patch = bulkPatch(task, change);
    if (patch === null) continue;
    updateTask(doc, id, patch, { actor });
    changed += 1;
  }
  return changed;
}
