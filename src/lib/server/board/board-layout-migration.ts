/**
 * Board layout 2: a task's heavy content (description, checklist, comments, runbook runs) lives
 * in its own document `<ws>.task.<id>` (task-doc.ts), not in the board's task entry. This
 * module moves content out of board entries, in two situations:
 *
 * - **On load** (`migrateBoardLayout`, from the board extension's `onLoad`): a board without
 *   `layout: 2` in its `meta` map has its content moved in batches of `batchSize` tasks. Per
 *   batch: each task's content is copied into its task document, together with the marker
 *   `CONTENT_COPIED_MARKER` in the same transaction; then one board transaction removes the
 *   content from the batch's entries and writes their summaries (`checklistDone`,
 *   `checklistTotal`, `commentCount`). A crash between the two leaves marked task documents
 *   whose entries still hold content: the next load removes it without copying again, so an
 *   edit made meanwhile in the task document is never overwritten. A crash anywhere else
 *   leaves whole batches done or not done; the next load continues with the tasks that still
 *   hold content, then sets `layout: 2`. Each batch is logged (done / total).
 * - **Live** (`watchBoardContent`): an old client may still write content into an entry after
 *   the move. The entry's content is moved the same way, after the transaction (without the
 *   marker check: what is in the entry then is newer than the task document).
 *
 * Memory stays bounded: each task document the move touches is unloaded right after its write
 * unless someone has it open (`DocStore.unloadIfIdle`). Moves record no activity
 * (`UNRECORDED_ORIGIN`): the change that put the content there was recorded when it was made.
 */
import * as Y from 'yjs';
import {
  CONTENT_KEYS,
  contentSummary,
  copyBoardContent,
  hasBoardContent,
  removeBoardContent,
  taskContentOf,
  writeSummary,
  type TaskSummary
} from '../../shared/board/task-doc';
import { metaOf, tasksOf } from '../../shared/board/board-doc';
import type { FieldMap } from '../../shared/model/fields';
import { taskDocName } from '../../shared/doc-name';
import { isLocalTransaction, type UpdateOrigin } from '../../../../sync-server/update-origin';
import type { Logger } from '../log';
import { UNRECORDED_ORIGIN } from './activity-recorder';

/** The board layout this module brings boards to (`meta.layout`). */
export const BOARD_LAYOUT = 2;
/** Key of the layout in the board's `meta` map. */
export const LAYOUT_KEY = 'layout';
/**
 * Key in a task document's root map, set in the transaction that copies content in from the
 * board during the migration: its presence means "copied, only the removal may be missing".
 */
export const CONTENT_COPIED_MARKER = 'copiedFromBoard';
/** Tasks per batch of the migration. */
export const MIGRATION_BATCH_SIZE = 200;

/** What the migration needs of the DocStore. */
export interface MigrationDocs {
  transact<T>(name: string, fn: (doc: Y.Doc) => T, origin?: UpdateOrigin): Promise<T>;
  /** Unloads a document that nobody holds (see DocStore.unloadIfIdle). */
  unloadIfIdle(name: string): boolean;
}

export interface MigrationOptions {
  docs: MigrationDocs;
  logger: Logger;
  batchSize?: number;
  /** Called after each batch's board transaction (tests: interrupt mid-way). */
  afterBatch?: (done: number, total: number) => Promise<void> | void;
}

/** Whether a board still has content to move (no `layout: 2` yet). */
export function needsLayoutMigration(board: Y.Doc): boolean {
  return metaOf(board).get(LAYOUT_KEY) !== BOARD_LAYOUT;
}

/** Ids of the tasks whose board entry holds content. */
export function tasksWithBoardContent(board: Y.Doc, ids?: Iterable<string>): string[] {
  const tasks = tasksOf(board);
  const result: string[] = [];
  const check = (id: string) => {
    const value = tasks.get(id);
    if (value instanceof Y.Map && hasBoardContent(value as FieldMap)) result.push(id);
  };
  if (ids === undefined) for (const id of tasks.keys()) check(id);
  else for (const id of ids) check(id);
  return result;
}

/**
 * Copies the content of `ids` (entries of `board`) into their task documents; returns each
 * task's summary after the copy. With `respectMarker`, a task document already marked is not
 * copied into again (the migration's crash rule); the marker is set with every copy.
 */
async function copyToTaskDocs(
  board: Y.Doc,
  workspaceId: string,
  ids: readonly string[],
  docs: MigrationDocs,
  respectMarker: boolean
): Promise<Map<string, TaskSummary>> {
  const summaries = new Map<string, TaskSummary>();
  const tasks = tasksOf(board);
  // A few at a time: the writes of one batch overlap, the number of open documents stays small.
  const PARALLEL = 16;
  for (let start = 0; start < ids.length; start += PARALLEL) {
    await Promise.all(
      ids.slice(start, start + PARALLEL).map(async (id) => {
        const name = taskDocName(workspaceId, id);
        const summary = await docs.transact(
          name,
          (taskDoc) => {
            const target = taskContentOf(taskDoc);
            const value = tasks.get(id);
            const copied = respectMarker && target.get(CONTENT_COPIED_MARKER) === true;
            if (!copied && value instanceof Y.Map) {
              copyBoardContent(value as FieldMap, target);
              if (respectMarker) target.set(CONTENT_COPIED_MARKER, true);
            }
            return contentSummary(target);
          },
          UNRECORDED_ORIGIN
        );
        docs.unloadIfIdle(name);
        summaries.set(id, summary);
      })
    );
  }
  return summaries;
}

/** Removes the moved content from the entries and writes their summaries (one transaction). */
function removeFromBoard(board: Y.Doc, summaries: ReadonlyMap<string, TaskSummary>): void {
  const tasks = tasksOf(board);
  board.transact(() => {
    for (const [id, summary] of summaries) {
      const value = tasks.get(id);
      if (!(value instanceof Y.Map)) continue;
      removeBoardContent(value as FieldMap);
      writeSummary(value as FieldMap, summary);
    }
  }, UNRECORDED_ORIGIN);
}

/**
 * Brings a loaded board to layout 2 (see the module comment); resolves with the number of
 * tasks moved. `board` is the document being loaded, changed directly (server origin); the task
 * documents go through the DocStore. Safe to call again: a board at layout 2 returns at once.
 */
export async function migrateBoardLayout(
  board: Y.Doc,
  boardName: string,
  workspaceId: string,
  options: MigrationOptions
): Promise<number> {
  if (!needsLayoutMigration(board)) return 0;
  const size = Math.max(1, options.batchSize ?? MIGRATION_BATCH_SIZE);
  const pending = tasksWithBoardContent(board);
  const total = pending.length;
  const started = Date.now();
  if (total > 0) {
    options.logger.info('board: moving task content into task documents', {
      doc: boardName,
      total
    });
  }
  let done = 0;
  for (let start = 0; start < total; start += size) {
    const batch = pending.slice(start, start + size);
    // Clients are not connected yet, but REST or an extension may have changed the board
    // during the previous batch's awaits: only tasks that still hold content.
    const ids = tasksWithBoardContent(board, batch);
    const summaries = await copyToTaskDocs(board, workspaceId, ids, options.docs, true);
    removeFromBoard(board, summaries);
    done += batch.length;
    options.logger.info('board: task content moved', {
      doc: boardName,
      done,
      total,
      ms: Date.now() - started
    });
    await options.afterBatch?.(done, total);
  }
  // Entries added while the last batches ran are moved by the live watcher.
  board.transact(() => metaOf(board).set(LAYOUT_KEY, BOARD_LAYOUT), UNRECORDED_ORIGIN);
  if (total > 0) {
    options.logger.info('board: layout 2 reached', {
      doc: boardName,
      moved: total,
      ms: Date.now() - started
    });
  }
  return total;
}

/**
 * Moves content that a client writes into a board entry after the migration (an old client)
 * into the task document, after the transaction, in batches. Returns a function that stops.
 */
export function watchBoardContent(
  board: Y.Doc,
  boardName: string,
  workspaceId: string,
  deps: { docs: () => MigrationDocs; logger: Logger }
): () => void {
  let pending = new Set<string>();
  let running = false;
  const move = async (): Promise<void> => {
    const batch = pending;
    pending = new Set();
    const docs = deps.docs();
    try {
      const ids = tasksWithBoardContent(board, batch);
      if (ids.length === 0) return;
      const summaries = await copyToTaskDocs(board, workspaceId, ids, docs, false);
      // Through the DocStore: the board is loaded and clients may be connected.
      await docs.transact(
        boardName,
        (current) => removeFromBoard(current, summaries),
        UNRECORDED_ORIGIN
      );
    } catch (error) {
      for (const id of batch) pending.add(id);
      deps.logger.error('board: moving task content failed', {
        doc: boardName,
        error: String(error)
      });
    }
  };
  const run = () => {
    if (running || pending.size === 0) return;
    running = true;
    setImmediate(() => {
      void move().then(() => {
        running = false;
        run();
      });
    });
  };
  const tasks = tasksOf(board);
  const contentKeys = new Set<string>(CONTENT_KEYS);
  const observer = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => {
    if (transaction.origin === UNRECORDED_ORIGIN) return;
    // Content written through another node is moved by that node (once across nodes).
    if (!isLocalTransaction(transaction.origin)) return;
    for (const event of events) {
      const path = event.path;
      if (event.target === tasks) {
        for (const [id, change] of event.changes.keys) {
          if (change.action !== 'delete') pending.add(id);
        }
      } else if (path.length === 1) {
        for (const [key, change] of event.changes.keys) {
          if (change.action !== 'delete' && contentKeys.has(key)) pending.add(String(path[0]));
        }
      } else if (typeof path[1] === 'string' && contentKeys.has(path[1])) {
        pending.add(String(path[0]));
      }
    }
    run();
  };
  tasks.observeDeep(observer);
  return () => tasks.unobserveDeep(observer);
}
