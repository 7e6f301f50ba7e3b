/**
 * What a "run job" block of the runbook editor needs from its page: the workspace, the runbook,
 * the member's role, whether the runbook is being edited, and in run mode the task (a plain
 * task, an incident or a change) the runbook runs for. The page hands an object with getters,
 * so the blocks follow its state.
 */
import type { TaskKind } from '$lib/shared/board/schema';
import type { Role } from '$lib/shared/permissions';
import type { RunCreate } from '$lib/shared/automation/schema';

/** The task a runbook runs for (run mode). */
export interface RunForTask {
  id: string;
  key: string | null;
  kind: TaskKind;
}

export interface JobRunContext {
  readonly workspaceId: string;
  readonly runbookId: string;
  readonly role: Role;
  /** The runbook is being edited (not run mode, and the member may write). */
  readonly editable: boolean;
  /** Run mode: the task the runbook runs for; null outside run mode. */
  readonly runTask: RunForTask | null;
}

/**
 * The links of a run started from a block: the runbook and the block, and the task it runs
 * for — also as the incident or the change when the task is one.
 */
export function blockRunLinks(
  runbookId: string,
  blockId: string,
  task: RunForTask | null
): Pick<RunCreate, 'runbookId' | 'runbookBlock' | 'taskId' | 'incidentId' | 'changeId'> {
  return {
    runbookId,
    runbookBlock: blockId,
    ...(task === null ? {} : { taskId: task.id }),
    ...(task?.kind === 'incident' ? { incidentId: task.id } : {}),
    ...(task?.kind === 'change' ? { changeId: task.id } : {})
  };
}
