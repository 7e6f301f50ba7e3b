/**
 * Human task keys (`OPS-142`), assigned by the server. Clients create tasks with no key, so two
 * devices working offline can never pick the same number; when a keyless task reaches the
 * server (live, after an offline merge, or found on load) it gets the next number of the
 * workspace's counter in the database, written to the board like any server change.
 */
import type * as Y from 'yjs';
import { assignTaskKey, tasksWithoutKey } from '../../shared/board/board-model';
import type { SqliteDatabase } from '../db/sqlite';
import type { Logger } from '../log';

/** What the key assigner needs of the DocStore. */
export interface KeyedDocStore {
  transact<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T>;
}

const counterStatements = new WeakMap<SqliteDatabase, (workspaceId: string) => number>();

/** Hands out numbers per workspace; atomic in SQLite. One prepared statement per database. */
export function createKeyCounter(db: SqliteDatabase): (workspaceId: string) => number {
  let counter = counterStatements.get(db);
  if (!counter) {
    const next = db.prepare<[string], { last_number: number }>(
      `INSERT INTO task_key_counters (workspace_id, last_number) VALUES (?, 1)
       ON CONFLICT (workspace_id) DO UPDATE SET last_number = last_number + 1
       RETURNING last_number`
    );
    counter = (workspaceId: string) => next.get(workspaceId)!.last_number;
    counterStatements.set(db, counter);
  }
  return counter;
}

/**
 * Watches a loaded board document and numbers keyless tasks. Returns a function that stops
 * watching. Assignment runs after the current transaction, in one server transaction per batch.
 */
export function watchTaskKeys(
  doc: Y.Doc,
  docName: string,
  workspaceId: string,
  deps: { docStore: KeyedDocStore; nextNumber: (workspaceId: string) => number; logger: Logger }
): () => void {
  // Tasks added since the last assignment: only these are looked at, never the whole board.
  let pending = new Set<string>(tasksWithoutKey(doc));
  let scheduled = false;
  const assign = () => {
    scheduled = false;
    const batch = pending;
    pending = new Set();
    deps.docStore
      .transact(docName, (current) => {
        for (const id of tasksWithoutKey(current, batch)) {
          assignTaskKey(current, id, deps.nextNumber(workspaceId));
        }
      })
      .catch((error: unknown) => {
        // Keep them for the next change (or the next load, which scans the board once).
        for (const id of batch) pending.add(id);
        deps.logger.error('board: assigning task keys failed', {
          doc: docName,
          error: String(error)
        });
      });
  };
  const schedule = () => {
    if (scheduled || pending.size === 0) return;
    scheduled = true;
    setImmediate(assign);
  };
  const tasks = doc.getMap('tasks');
  const onChange = (event: Y.YMapEvent<unknown>) => {
    for (const [id, change] of event.changes.keys) {
      if (change.action === 'add') pending.add(id);
    }
    schedule();
  };
  tasks.observe(onChange);
  schedule();
  return () => tasks.unobserve(onChange);
}
