/**
 * The board's rules that need more than the document: a task created through the API gets its
 * key at once. Permission checks happen before (the REST layer's `authorizeWorkspace`, the
 * websocket grant); this is called with a writer already established.
 */
import type * as Y from 'yjs';
import {
  assignTaskKey,
  createTask,
  getTask,
  setTaskDescription
} from '../../shared/board/board-model';
import { taskDescriptionSchema, type TaskCreateInput } from '../../shared/board/schema';
import { parseInput } from '../../shared/model/parse';
import { boardDocName, taskDocName } from '../../shared/doc-name';
import { serverOrigin } from '../../../../sync-server/update-origin';
import { UNRECORDED_ORIGIN, type ActivityRecorder } from './activity-recorder';
import type { BoardDocs } from './board-extension';
import type { BoardStore } from './board-store';

export class BoardService {
  constructor(
    private readonly deps: {
      store: Pick<BoardStore, 'reserveTaskNumbers'>;
      docs: () => Pick<BoardDocs, 'transact'>;
      /** When given, `createTask` resolves after the task's activity is recorded. */
      recorder?: Pick<ActivityRecorder, 'settled'>;
    }
  ) {}

  /**
   * Creates a task with its key. The number is reserved in the database first, outside the
   * Yjs transaction, then the task is written with it: a failure in between costs a number,
   * never a duplicate.
   */
  async createTask(
    workspaceId: string,
    input: TaskCreateInput,
    actorId: string | null,
    /** `id`: the task's id when the caller has one already (an incident's card). */
    options: { id?: string } = {}
  ) {
    const number = await this.deps.store.reserveTaskNumbers(workspaceId);
    // The origin names the caller, so the task's activity says who created it.
    const docName = boardDocName(workspaceId);
    // The description goes to the task's own document (task-doc.ts), not the board entry.
    const { description: given, ...card } = input;
    // Checked before anything is written, like every other field.
    const description = parseInput(taskDescriptionSchema, given ?? '', 'description');
    const task = await this.deps.docs().transact(
      docName,
      (doc: Y.Doc) => {
        const created = createTask(doc, card, { actor: actorId, id: options.id });
        assignTaskKey(doc, created.id, number);
        return getTask(doc, created.id) ?? created;
      },
      serverOrigin(actorId)
    );
    if (description !== '') {
      // Part of the creation, already recorded as `created`: no activity of its own.
      await this.deps
        .docs()
        .transact(
          taskDocName(workspaceId, task.id),
          (taskDoc: Y.Doc) => setTaskDescription(taskDoc, description, { actor: actorId }),
          UNRECORDED_ORIGIN
        );
    }
    await this.deps.recorder?.settled(docName);
    return { ...task, description };
  }
}
