/**
 * The first view of a task page opened directly (a deep link, a notification, a new tab): the
 * card and its description, checklist and comments, read on the server so the page arrives
 * with the task on it instead of a spinner waiting for scripts, the card and the task's
 * document. The workspace layout's server load adds it when it runs for the task route (it does
 * not re-run for navigation inside the workspace, which stays client-side and works offline).
 *
 * It does not load the board: a board in memory is read, else the card mirrored in the records
 * (card-mirror.ts); with neither (a board never mirrored, a task only in the archive) there is
 * no first view and the page finds the task as before. The task's document is read (and left
 * loaded for the page's websocket, which opens a moment later). A failure is logged, never
 * fails the page: the first view only saves time.
 */
import type { TaskDetail } from '../../shared/board/schema';
import { readTaskContent, taskContentOf } from '../../shared/board/task-doc';
import { taskDocName } from '../../shared/doc-name';
import type { Runtime } from '../runtime';
import { cardWithoutLoad } from './card-mirror';

export async function taskFirstView(
  runtime: Pick<Runtime, 'docStore' | 'taskCards' | 'logger'>,
  workspaceId: string,
  keyOrId: string
): Promise<TaskDetail | null> {
  try {
    const card = await cardWithoutLoad(runtime.docStore, runtime.taskCards, workspaceId, keyOrId);
    if (card === null) return null;
    const content = await runtime.docStore.read(taskDocName(workspaceId, card.id), (doc) =>
      readTaskContent(taskContentOf(doc))
    );
    return {
      ...card,
      // An entry not moved yet holds the description itself.
      description: content.description === '' ? card.description : content.description,
      checklist: content.checklist,
      comments: content.comments,
      activity: []
    };
  } catch (error) {
    runtime.logger.warn('board: the first view of a task page failed', {
      workspace: workspaceId,
      error: String(error)
    });
    return null;
  }
}
