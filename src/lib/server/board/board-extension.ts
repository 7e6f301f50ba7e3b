/**
 * The board's sync extension: sets up a new board, moves task content out of the board into
 * task documents (board-layout-migration.ts), numbers tasks, and records task activity
 * (activity-recorder.ts). Clients create tasks
 * with no key, so two devices working offline can never pick the same number; when a keyless
 * task reaches the server (live, after an offline merge, or found on load) it gets the next
 * numbers of the workspace's counter, written to the board like any server change.
 *
 * Order, so a crash cannot leave it half done: numbers are given in the database first
 * (outside any Yjs transaction), then written into the document. A crash in between leaves the
 * task keyless with its number recorded, and the next load writes that number; a number is
 * never given twice.
 *
 * Several nodes: a keyless task can reach two nodes at once (both load a board whose stored
 * state has it, or one loads while the other receives it). The database gives each task one
 * number for every node (board-store.ts `assignTaskNumbers`, a row per task); the node that gave
 * it writes the key, and a node that finds the number already given leaves the task to that
 * node, writing the same key itself only if the task is still keyless after `adoptAfterMs` (the
 * other node stopped in between). So a task never shows two keys, and its `key_assigned`
 * activity is recorded once.
 */
import type * as Y from 'yjs';
import type { SyncExtension } from '../../../../sync-server/extensions';
import { isLocalTransaction, type UpdateOrigin } from '../../../../sync-server/update-origin';
import { assignTaskKey, initBoard, tasksWithoutKey } from '../../shared/board/board-model';
import type { Logger } from '../log';
import type { ActivityRecorder } from './activity-recorder';
import type { BoardStore } from './board-store';
import { migrateBoardLayout, watchBoardContent } from './board-layout-migration';

/** What the extension needs of the DocStore. */
export interface BoardDocs {
  read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T>;
  transact<T>(name: string, fn: (doc: Y.Doc) => T, origin?: UpdateOrigin): Promise<T>;
  unloadIfIdle(name: string): boolean;
}

/** How long a node leaves a task numbered by another node to that node before writing it. */
export const TASK_KEY_ADOPT_AFTER_MS = 5_000;

export interface BoardExtensionDeps {
  store: Pick<BoardStore, 'assignTaskNumbers'>;
  /** `TASK_KEY_ADOPT_AFTER_MS` unless given (tests). */
  adoptAfterMs?: number;
  /** Records task activity (activity-recorder.ts). */
  recorder: ActivityRecorder;
  docs: () => BoardDocs;
  logger: Logger;
}

/** The board's sync extension, with the wait for its outstanding activity writes. */
export interface BoardExtension extends SyncExtension {
  /** Resolves when every activity entry recorded so far is written (shutdown, tests). */
  onClose(): Promise<void>;
}

export function boardExtension(deps: BoardExtensionDeps): BoardExtension {
  const { recorder } = deps;
  return {
    name: 'board',
    kinds: ['board'],
    async onLoad({ name, docName, doc }) {
      initBoard(doc);
      // Old in-document logs become rows before the recorder starts (it ignores their removal).
      await recorder.importLegacy(doc, name, docName.workspaceId);
      // Content still in task entries moves into task documents (board-layout-migration.ts).
      await migrateBoardLayout(doc, name, docName.workspaceId, {
        docs: deps.docs(),
        logger: deps.logger
      });
      recorder.watch(doc, name, docName.workspaceId);
      watchTaskKeys(doc, name, docName.workspaceId, deps);
      watchBoardContent(doc, name, docName.workspaceId, deps);
    },
    onClose() {
      return recorder.flush();
    }
  };
}

/**
 * Watches a loaded board document and numbers keyless tasks, in batches: the ids added since
 * the last batch are collected, numbers reserved for those still keyless, then written in one
 * server transaction. Only tasks added on this node: a task added through another node is
 * numbered by that node. Returns a function that stops watching.
 */
export function watchTaskKeys(
  doc: Y.Doc,
  docName: string,
  workspaceId: string,
  deps: BoardExtensionDeps
): () => void {
  // Tasks added since the last assignment: only these are looked at, never the whole board.
  let pending = new Set<string>(tasksWithoutKey(doc));
  let running = false;
  let stopped = false;
  /** Tasks another node gave a number to, looked at again after `adoptAfterMs`: written here if still keyless. */
  const adopting = new Set<string>();
  const adoptAfterMs = deps.adoptAfterMs ?? TASK_KEY_ADOPT_AFTER_MS;
  /** One batch; false when it failed (its ids are pending again). */
  const assign = async (): Promise<boolean> => {
    const batch = pending;
    pending = new Set();
    const docs = deps.docs();
    try {
      const keyless = await docs.read(docName, (current) => tasksWithoutKey(current, batch));
      if (keyless.length === 0) {
        for (const id of batch) adopting.delete(id);
        return true;
      }
      const numbers = await deps.store.assignTaskNumbers(workspaceId, keyless);
      const later: string[] = [];
      await docs.transact(docName, (current) => {
        // Between the read and now, another writer may have numbered some (a REST create, the
        // node that gave the number).
        const still = new Set(tasksWithoutKey(current, keyless));
        for (const id of keyless) {
          const assigned = numbers.get(id);
          if (!assigned || !still.has(id)) continue;
          if (assigned.given || adopting.has(id)) assignTaskKey(current, id, assigned.number);
          else later.push(id);
        }
      });
      for (const id of batch) adopting.delete(id);
      if (later.length > 0) {
        // Given by another node (or by this node's process before a crash): its key is on the
        // way; look again later and write it only if it never came.
        for (const id of later) adopting.add(id);
        setTimeout(() => {
          if (stopped || doc.isDestroyed) return;
          for (const id of later) if (adopting.has(id)) pending.add(id);
          run();
        }, adoptAfterMs).unref();
      }
      return true;
    } catch (error) {
      // Kept for the next change (or the next load, which scans the board once).
      for (const id of batch) pending.add(id);
      deps.logger.error('board: assigning task keys failed', {
        doc: docName,
        error: String(error)
      });
      return false;
    }
  };
  // One batch at a time, after the current transaction; what arrives meanwhile is the next.
  const run = () => {
    if (running || pending.size === 0) return;
    running = true;
    setImmediate(() => {
      void assign().then((ok) => {
        running = false;
        if (ok) run();
      });
    });
  };
  const tasks = doc.getMap('tasks');
  const onChange = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
    // A task relayed by another node is numbered there (once across nodes): numbering it here
    // too would spend a second number and race the first.
    if (!isLocalTransaction(transaction.origin)) return;
    for (const [id, change] of event.changes.keys) {
      if (change.action === 'add') pending.add(id);
    }
    run();
  };
  tasks.observe(onChange);
  run();
  return () => {
    stopped = true;
    tasks.unobserve(onChange);
  };
}
