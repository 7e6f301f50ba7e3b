/**
 * The sync extension of task documents (`<ws>.task.<taskId>`, see task-doc.ts), a helper of the
 * board domain (whose extension file is board-extension.ts), registered next to it:
 *
 * - On load, before any client sees it, the document gets its containers (description text,
 *   checklist, comments and runs maps), so the first items two clients add land in the same
 *   map.
 * - Activity: every change is recorded as task activity rows by the `ActivityRecorder`
 *   (`watchTask`), attributed to the connection's user or the REST caller, as on the board.
 * - Summaries: after changes, the card badges (`checklistDone`, `checklistTotal`,
 *   `commentCount`) and `updatedAt` are written into the board's task entry. Debounced and
 *   batched per workspace (one board transaction for every task changed meanwhile), with the
 *   server origin, through the DocStore, never inside a transaction of the task document.
 */
import type * as Y from 'yjs';
import type { SyncExtension } from '../../../../sync-server/extensions';
import { isLocalTransaction, type UpdateOrigin } from '../../../../sync-server/update-origin';
import { entry, tasksOf } from '../../shared/board/board-doc';
import {
  contentSummary,
  initTaskContent,
  taskContentOf,
  writeSummary,
  type TaskSummary
} from '../../shared/board/task-doc';
import { readString } from '../../shared/model/fields';
import { boardDocName } from '../../shared/doc-name';
import type { Logger } from '../log';
import { UNRECORDED_ORIGIN, type ActivityRecorder } from './activity-recorder';

/** What the extension needs of the DocStore. */
export interface TaskDocs {
  read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T>;
  transact<T>(name: string, fn: (doc: Y.Doc) => T, origin?: UpdateOrigin): Promise<T>;
}

export interface TaskDocExtensionDeps {
  recorder: ActivityRecorder;
  docs: () => TaskDocs;
  logger: Logger;
  /** Wait after a change before the summaries are written (ms; default 100). */
  summaryDelayMs?: number;
}

/** The task documents' extension, with the wait for summaries not yet written. */
export interface TaskDocExtension extends SyncExtension {
  /** Resolves when every summary scheduled so far is written (shutdown, tests, REST). */
  settled(workspaceId?: string): Promise<void>;
  onClose(): Promise<void>;
}

interface Pending {
  /** Summary (and content updatedAt) per task, read right after its change. */
  tasks: Map<string, { summary: TaskSummary; updatedAt: string | null }>;
  timer: NodeJS.Timeout | null;
  writing: Promise<void>;
}

export function taskDocExtension(deps: TaskDocExtensionDeps): TaskDocExtension {
  const delay = deps.summaryDelayMs ?? 100;
  const pending = new Map<string, Pending>();

  const write = (workspaceId: string, state: Pending): Promise<void> => {
    if (state.timer !== null) clearTimeout(state.timer);
    state.timer = null;
    if (state.tasks.size === 0) return state.writing;
    const batch = state.tasks;
    state.tasks = new Map();
    state.writing = state.writing.then(async () => {
      try {
        await deps.docs().transact(boardDocName(workspaceId), (board) => {
          const tasks = tasksOf(board);
          for (const [id, { summary, updatedAt }] of batch) {
            const map = entry(tasks, id);
            // A task deleted or moved out of the board meanwhile has no card to update.
            if (map === null) continue;
            writeSummary(map, summary);
            const cardUpdated = readString(map, 'updatedAt');
            if (updatedAt !== null && (cardUpdated === null || cardUpdated < updatedAt)) {
              map.set('updatedAt', updatedAt);
            }
          }
        });
      } catch (error) {
        deps.logger.error('board: writing task summaries failed', {
          workspace: workspaceId,
          tasks: batch.size,
          error: String(error)
        });
      }
    });
    return state.writing;
  };

  const schedule = (workspaceId: string, taskId: string, doc: Y.Doc): void => {
    let state = pending.get(workspaceId);
    if (!state) {
      state = { tasks: new Map(), timer: null, writing: Promise.resolve() };
      pending.set(workspaceId, state);
    }
    const content = taskContentOf(doc);
    state.tasks.set(taskId, {
      summary: contentSummary(content),
      updatedAt: readString(content, 'updatedAt')
    });
    if (state.timer !== null) return;
    const current = state;
    current.timer = setTimeout(() => void write(workspaceId, current), delay);
    current.timer.unref();
  };

  return {
    name: 'task-doc',
    kinds: ['task'],
    onLoad({ name, docName, doc }) {
      if (docName.kind !== 'task') return;
      const content = taskContentOf(doc);
      const ready =
        content.has('description') &&
        content.has('checklist') &&
        content.has('comments') &&
        content.has('runs');
      if (!ready) doc.transact(() => initTaskContent(doc), UNRECORDED_ORIGIN);
      deps.recorder.watchTask(doc, name, docName.workspaceId, docName.id);
      const taskId = docName.id;
      const workspaceId = docName.workspaceId;
      content.observeDeep((_events, transaction) => {
        // Moves from the board write the summaries themselves.
        if (transaction.origin === UNRECORDED_ORIGIN) return;
        // The node where the change was made writes the summary (once across nodes).
        if (!isLocalTransaction(transaction.origin)) return;
        schedule(workspaceId, taskId, doc);
      });
    },
    async settled(workspaceId) {
      const states =
        workspaceId === undefined
          ? [...pending.entries()]
          : [...pending.entries()].filter(([ws]) => ws === workspaceId);
      await Promise.all(states.map(([ws, state]) => write(ws, state)));
    },
    async onClose() {
      await Promise.all([...pending.entries()].map(([ws, state]) => write(ws, state)));
    }
  };
}
