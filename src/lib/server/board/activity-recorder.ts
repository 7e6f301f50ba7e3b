/**
 * Task activity as a server fact. The server knows who is behind every change it applies (the
 * user of the websocket connection, or the REST caller named by the transaction's origin) and
 * what the change did, so it records "who changed what, and when" itself, as `task_activity`
 * rows: clients write no activity, so it can neither be forged nor grow the board document.
 *
 * Per loaded board: `observeDeep` on the tasks map turns each applied transaction into entries
 * (`deriveActivity`), queued per document and inserted in batches after the transaction, never
 * inside it (a Yjs observer must not wait for a database). A failed insert is logged, never
 * thrown into Yjs. `flush` (the extension's `onClose`) waits until every queued entry is
 * written, so a clean shutdown loses none.
 *
 * Old boards: clients used to append entries to an `activity` array in each task. On the first
 * load after the upgrade those arrays become rows (with their original `at` and `by`, once per
 * workspace: a marker row says it is done), then they are removed from the document. Any array
 * a client still writes after that (an old client, or a forger) is never read: it is removed.
 */
import * as Y from 'yjs';
import type { UpdateOrigin } from '../../../../sync-server/update-origin';
import {
  SERVER_ORIGIN,
  isLocalOrigin,
  toUpdateOrigin
} from '../../../../sync-server/update-origin';
import { SCALAR_FIELDS } from '../../shared/board/board-model';
import { ACTIVITY_KEY, readLegacyActivity } from '../../shared/board/task-activity';
import type { ActivityEntry } from '../../shared/board/schema';
import { TASK_CONTENT_MAP } from '../../shared/board/task-doc-name';
import type { Logger } from '../log';
import type { ActivityRecord, TaskActivityStore } from './activity-store';

/**
 * The origin of server changes that record no activity: a task's content moved from its board
 * entry into its task document (board-layout-migration.ts) and the card summaries written back.
 * Nothing happened to the task; the change that put the content there was recorded already.
 */
export const UNRECORDED_ORIGIN: UpdateOrigin = Object.freeze({ kind: 'server' as const });

/**
 * Description edits by the same person within this time of their previous one are one entry:
 * an editor that saves as the user types would otherwise write a row per keystroke.
 */
export const DESCRIPTION_EDIT_WINDOW_MS = 10 * 60_000;

/** How long recorded activity waits to be written with what follows (see `enqueue`). */
export const ACTIVITY_WRITE_DELAY_MS = 100;

type Value = string | number | boolean | null;

/**
 * Plain task fields whose change is recorded as `updated` with its old and new value: the
 * scalar fields a patch may set.
 */
const RECORDED_FIELDS = new Set<string>(SCALAR_FIELDS);

/** Nested containers a task has from its creation: replacing one is not worth an entry. */
const CONTAINERS = new Set(['checklist', 'comments', 'runs']);

function plain(value: unknown): Value {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  ) {
    return value;
  }
  return null;
}

/** Ids as one value: sorted and comma-joined (labels, links). */
function joinIds(ids: Iterable<string>): string {
  return [...new Set(ids)].sort().join(',');
}

/**
 * A field of a Y.Map removed in this transaction. Its content is still there until the
 * transaction's garbage collection, which runs after the observers; read defensively.
 */
function removedField(map: unknown, key: string): unknown {
  if (!(map instanceof Y.Map)) return undefined;
  try {
    const item = (map as unknown as { _map: Map<string, Y.Item> })._map.get(key);
    const content = item?.content.getContent();
    return content?.[content.length - 1];
  } catch {
    return undefined;
  }
}

/** A field of a map entry, live or (when the entry was removed in this transaction) removed. */
function fieldOf(map: unknown, key: string): unknown {
  if (!(map instanceof Y.Map)) return undefined;
  const value: unknown = map.get(key);
  return value !== undefined ? value : removedField(map, key);
}

/** The text of a run tick (`{ doneBy, doneAt, text? }`), when it carries one. */
function runText(value: unknown): Value | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const text = (value as { text?: unknown }).text;
  return typeof text === 'string' ? text : undefined;
}

/** The keys of a map before the event, from its keys now and the event's key changes. */
function keysBefore(event: Y.YEvent<Y.AbstractType<unknown>>): string[] {
  const map = event.target as Y.Map<unknown>;
  const keys = new Set(map.keys());
  for (const [key, change] of event.changes.keys) {
    if (change.action === 'add') keys.delete(key);
    else if (change.action === 'delete') keys.add(key);
  }
  return [...keys];
}

/** What one transaction did to the tasks, as entries without `at` and `by`. */
export interface DerivedActivity {
  entries: Omit<ActivityRecord, 'at' | 'by'>[];
  /** Tasks holding an `activity` array written by a client: removed, never read. */
  legacyWrites: Set<string>;
  /** Tasks whose description changed (coalesced per person by the recorder). */
  descriptionEdits: Set<string>;
}

/**
 * Derives the activity of one transaction from the `observeDeep` events of the tasks map, or,
 * with `ownTaskId`, of a task document's root map (`tasks` is then that map: the task itself). A
 * task created in the transaction is one `created` entry (plus `key_assigned` when it was
 * created with its key, as over REST); changes inside an existing task are one entry each.
 */
export function deriveActivity(
  events: readonly Y.YEvent<Y.AbstractType<unknown>>[],
  tasks: Y.Map<unknown>,
  ownTaskId?: string
): DerivedActivity {
  const entries: DerivedActivity['entries'] = [];
  const legacyWrites = new Set<string>();
  const descriptionEdits = new Set<string>();
  const created = new Set<string>();
  for (const event of events) {
    // On a task document (`taskId` given) `tasks` is its root map, which is the task itself.
    const path = ownTaskId === undefined ? event.path : [ownTaskId, ...event.path];
    if (ownTaskId === undefined && event.target === tasks) {
      for (const [taskId, change] of event.changes.keys) {
        if (change.action !== 'add') continue;
        created.add(taskId);
        entries.push({ taskId, action: 'created' });
        const task = tasks.get(taskId);
        if (task instanceof Y.Map) {
          const key: unknown = task.get('key');
          if (typeof key === 'string') entries.push({ taskId, action: 'key_assigned', to: key });
          if (task.has(ACTIVITY_KEY)) legacyWrites.add(taskId);
        }
      }
      continue;
    }
    const taskId = path[0];
    if (typeof taskId !== 'string' || created.has(taskId)) continue;
    const part = path[1];
    if (part === ACTIVITY_KEY) {
      legacyWrites.add(taskId);
      continue;
    }
    if (path.length === 1) {
      const task = event.target as Y.Map<unknown>;
      for (const [field, change] of event.changes.keys) {
        const to = plain(task.get(field));
        const from = change.action === 'add' ? null : plain(change.oldValue);
        if (field === ACTIVITY_KEY) {
          if (change.action !== 'delete') legacyWrites.add(taskId);
        } else if (field === 'key') {
          if (typeof to === 'string') entries.push({ taskId, action: 'key_assigned', to });
        } else if (field === 'status') {
          if (typeof to === 'string' && to !== from) {
            entries.push({ taskId, action: 'moved', from, to });
          }
        } else if (field === 'archivedAt') {
          if ((from === null) !== (to === null)) {
            entries.push({ taskId, action: to === null ? 'restored' : 'archived' });
          }
        } else if (field === 'acknowledgedAt') {
          if (to !== null && from === null) {
            entries.push({ taskId, action: 'updated', field, to });
          }
        } else if (RECORDED_FIELDS.has(field)) {
          if (from !== to) entries.push({ taskId, action: 'updated', field, from, to });
        } else if (field === 'description') {
          descriptionEdits.add(taskId);
        } else if ((field === 'labels' || field === 'links') && change.action !== 'delete') {
          const now = task.get(field);
          const keys = now instanceof Y.Map ? [...now.keys()] : [];
          entries.push({ taskId, action: 'updated', field, to: joinIds(keys) });
        } else if (CONTAINERS.has(field)) {
          // A container set up for a task older than it: nothing happened to the task.
        }
      }
      continue;
    }
    if (part === 'description') {
      descriptionEdits.add(taskId);
    } else if ((part === 'labels' || part === 'links') && path.length === 2) {
      const map = event.target as Y.Map<unknown>;
      const from = joinIds(keysBefore(event));
      const to = joinIds(map.keys());
      if (from !== to) entries.push({ taskId, action: 'updated', field: part, from, to });
    } else if (part === 'checklist' && path.length === 2) {
      const checklist = event.target as Y.Map<unknown>;
      for (const [itemId, change] of event.changes.keys) {
        if (change.action === 'add') {
          const to = plain(fieldOf(checklist.get(itemId), 'text'));
          entries.push({ taskId, action: 'checklist_added', to });
        } else if (change.action === 'delete') {
          const to = plain(fieldOf(change.oldValue, 'text'));
          entries.push({ taskId, action: 'checklist_removed', to });
        }
      }
    } else if (part === 'checklist' && path.length === 3) {
      const item = event.target as Y.Map<unknown>;
      const text = plain(item.get('text'));
      for (const [field, change] of event.changes.keys) {
        const from = change.action === 'add' ? null : plain(change.oldValue);
        if (field === 'text' && from !== text) {
          entries.push({ taskId, action: 'updated', field: 'checklist', from, to: text });
        } else if (field === 'done' && from !== plain(item.get('done'))) {
          const done = item.get('done') === true;
          entries.push({
            taskId,
            action: done ? 'checklist_checked' : 'checklist_unchecked',
            to: text
          });
        }
      }
    } else if (part === 'comments' && path.length === 2) {
      for (const [, change] of event.changes.keys) {
        if (change.action === 'add') entries.push({ taskId, action: 'commented' });
        else if (change.action === 'delete') entries.push({ taskId, action: 'comment_deleted' });
      }
    } else if (part === 'comments' && path.length === 3) {
      if (event.changes.keys.has('body')) entries.push({ taskId, action: 'comment_edited' });
    } else if (part === 'runs' && path.length === 2) {
      const runs = event.target as Y.Map<unknown>;
      for (const [key, change] of event.changes.keys) {
        if (change.action === 'delete') {
          const to = runText(change.oldValue);
          entries.push({
            taskId,
            action: 'run_step_unchecked',
            ...(to === undefined ? {} : { to })
          });
        } else {
          const to = runText(runs.get(key));
          entries.push({ taskId, action: 'run_step_checked', ...(to === undefined ? {} : { to }) });
        }
      }
    }
  }
  return { entries, legacyWrites, descriptionEdits };
}

/**
 * Plain tasks (not incident or change cards) that one transaction completed for the first time:
 * their `resolvedAt` (first entry into a done column, board-model.ts `writeMove`; kept when the
 * task leaves done) went from unset to a time, or a new card arrived already done. A task moved
 * out of done and back is not completed again, so the counter `runboard_tasks_done_total` and
 * the reports' throughput (which counts each task at its first completion) agree. A card back
 * from the archive (`restored`) was counted when it was done.
 */
export function tasksDone(
  events: readonly Y.YEvent<Y.AbstractType<unknown>>[],
  tasks: Y.Map<unknown>,
  restored = false
): string[] {
  const done: string[] = [];
  const plainTask = (task: Y.Map<unknown>) => {
    const kind = task.get('kind');
    return kind === undefined || kind === 'task';
  };
  for (const event of events) {
    if (event.target === tasks) {
      if (restored) continue;
      for (const [taskId, change] of event.changes.keys) {
        if (change.action !== 'add') continue;
        const task = tasks.get(taskId);
        if (!(task instanceof Y.Map) || !plainTask(task)) continue;
        if (typeof task.get('resolvedAt') === 'string') done.push(taskId);
      }
      continue;
    }
    if (event.path.length !== 1) continue;
    const change = event.changes.keys.get('resolvedAt');
    if (!change || change.action === 'delete') continue;
    const task = event.target as Y.Map<unknown>;
    const taskId = event.path[0];
    if (typeof taskId !== 'string' || !plainTask(task)) continue;
    const before = change.action === 'add' ? null : change.oldValue;
    if ((before === null || before === undefined) && typeof task.get('resolvedAt') === 'string') {
      done.push(taskId);
    }
  }
  return done;
}

/**
 * Who made a change: the user of a client connection, the user a server change was made for,
 * null for the server itself; undefined for a peer node's update (that node records it).
 */
export function actorOf(origin: UpdateOrigin): string | null | undefined {
  switch (origin.kind) {
    case 'client':
      return origin.connection.grant?.principal.userId ?? null;
    case 'server':
      return origin.actorId ?? null;
    case 'peer':
      return undefined;
  }
}

/** What the recorder needs of the DocStore: a server transaction on a loaded board. */
export interface ActivityDocs {
  transact<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T>;
}

export interface ActivityRecorderDeps {
  store: Pick<TaskActivityStore, 'append' | 'importLegacy' | 'isImported'>;
  docs: () => ActivityDocs;
  logger: Logger;
  /** The clock (tests). */
  now?: () => number;
  /**
   * A plain task (not an incident or change card) was done for the first time on this node (or
   * created done), by a member
   * or the server; a peer node's move is told there (the metrics, composition root).
   */
  onTaskDone?(workspaceId: string, taskId: string): void;
}

/** One board's queue of entries not yet written. */
interface Queue {
  workspaceId: string;
  entries: ActivityRecord[];
  scheduled: boolean;
  /** The write in progress (writes of one board run one after another, in order). */
  writing: Promise<void>;
}

/**
 * Notes a description edit of `taskId` by `by` at `nowMs` in `edits` and says whether it starts
 * a new activity entry: the same person's edits within `DESCRIPTION_EDIT_WINDOW_MS` of their
 * previous one are one entry (an editor that saves as the user types would otherwise flood the
 * log). Shared by the board and the task documents.
 */
function startsDescriptionEdit(
  edits: Map<string, number>,
  taskId: string,
  by: string | null,
  nowMs: number
): boolean {
  const key = `${taskId}\u0000${by ?? ''}`;
  const last = edits.get(key);
  edits.set(key, nowMs);
  return last === undefined || !(nowMs - last >= 0 && nowMs - last < DESCRIPTION_EDIT_WINDOW_MS);
}

export class ActivityRecorder {
  private readonly queues = new Map<string, Queue>();
  /**
   * Last recorded description edit per task and person (ms) on task documents, kept across
   * loads of the document (it is unloaded when idle; the window is longer than that).
   */
  private readonly lastTaskDescriptionEdit = new Map<string, number>();

  constructor(private readonly deps: ActivityRecorderDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /**
   * Converts the board's old in-document activity arrays into rows (once per workspace), then
   * removes every such array from the document. Called on load, before any client sees the
   * board; a database failure is logged and the arrays stay for the next load.
   */
  async importLegacy(doc: Y.Doc, docName: string, workspaceId: string): Promise<void> {
    const tasks = doc.getMap<unknown>('tasks');
    const logs = new Map<string, ActivityEntry[]>();
    tasks.forEach((task, id) => {
      if (task instanceof Y.Map && task.has(ACTIVITY_KEY)) {
        logs.set(id, readLegacyActivity(task as Y.Map<unknown>));
      }
    });
    try {
      if (await this.deps.store.isImported(workspaceId)) {
        // Imported before: whatever arrays are here were written since, and are not facts.
      } else {
        await this.deps.store.importLegacy(workspaceId, logs);
      }
    } catch (error) {
      this.deps.logger.error('board: importing task activity failed', {
        doc: docName,
        error: String(error)
      });
      return;
    }
    if (logs.size === 0) return;
    doc.transact(() => {
      for (const id of logs.keys()) {
        const task = tasks.get(id);
        if (task instanceof Y.Map) task.delete(ACTIVITY_KEY);
      }
    }, SERVER_ORIGIN);
  }

  /** Records the activity of every transaction on a loaded board; returns a function that stops. */
  watch(doc: Y.Doc, docName: string, workspaceId: string): () => void {
    const tasks = doc.getMap<unknown>('tasks');
    // Last recorded description edit per task and person (ms), for coalescing.
    const lastDescriptionEdit = new Map<string, number>();
    const observer = (
      events: Y.YEvent<Y.AbstractType<unknown>>[],
      transaction: Y.Transaction
    ): void => {
      try {
        if (transaction.origin === UNRECORDED_ORIGIN) return;
        const origin = toUpdateOrigin(transaction.origin);
        // Recorded by the node where the change was made (once across nodes).
        if (!isLocalOrigin(origin)) return;
        const by = actorOf(origin);
        if (by === undefined) return;
        const derived = deriveActivity(events, tasks);
        if (origin.kind === 'server' && origin.reason === 'unarchive') {
          // A card back from the archive (archive-service.ts): restored, not created anew.
          derived.entries = derived.entries
            .filter((entry) => entry.action !== 'key_assigned')
            .map((entry) =>
              entry.action === 'created' ? { ...entry, action: 'restored' } : entry
            );
        }
        const nowMs = this.now();
        const at = new Date(nowMs).toISOString();
        const records: ActivityRecord[] = derived.entries.map((entry) => ({ ...entry, at, by }));
        for (const taskId of derived.descriptionEdits) {
          if (!startsDescriptionEdit(lastDescriptionEdit, taskId, by, nowMs)) continue;
          records.push({ taskId, at, by, action: 'updated', field: 'description' });
        }
        if (records.length > 0) this.enqueue(docName, workspaceId, records);
        if (derived.legacyWrites.size > 0) this.removeLegacy(docName, derived.legacyWrites);
        if (this.deps.onTaskDone) {
          const restored = origin.kind === 'server' && origin.reason === 'unarchive';
          for (const taskId of tasksDone(events, tasks, restored)) {
            this.deps.onTaskDone(workspaceId, taskId);
          }
        }
      } catch (error) {
        this.deps.logger.error('board: deriving task activity failed', {
          doc: docName,
          error: String(error)
        });
      }
    };
    tasks.observeDeep(observer);
    return () => tasks.unobserveDeep(observer);
  }

  /**
   * Records the activity of every transaction on a loaded task document (`<ws>.task.<id>`):
   * its description, checklist, comments and run steps, derived as on the board. Returns a
   * function that stops.
   */
  watchTask(doc: Y.Doc, docName: string, workspaceId: string, taskId: string): () => void {
    const content = doc.getMap<unknown>(TASK_CONTENT_MAP);
    const observer = (
      events: Y.YEvent<Y.AbstractType<unknown>>[],
      transaction: Y.Transaction
    ): void => {
      try {
        if (transaction.origin === UNRECORDED_ORIGIN) return;
        const origin = toUpdateOrigin(transaction.origin);
        if (!isLocalOrigin(origin)) return;
        const by = actorOf(origin);
        if (by === undefined) return;
        const derived = deriveActivity(events, content, taskId);
        const nowMs = this.now();
        const at = new Date(nowMs).toISOString();
        const records: ActivityRecord[] = derived.entries.map((entry) => ({ ...entry, at, by }));
        if (derived.descriptionEdits.size > 0) {
          const edits = this.lastTaskDescriptionEdit;
          if (startsDescriptionEdit(edits, taskId, by, nowMs)) {
            records.push({ taskId, at, by, action: 'updated', field: 'description' });
          }
          this.forgetOldDescriptionEdits(nowMs);
        }
        if (records.length > 0) this.enqueue(docName, workspaceId, records);
      } catch (error) {
        this.deps.logger.error('board: deriving task activity failed', {
          doc: docName,
          error: String(error)
        });
      }
    };
    content.observeDeep(observer);
    return () => content.unobserveDeep(observer);
  }

  /** Forgets the description edits past the window once there are many. */
  private forgetOldDescriptionEdits(nowMs: number): void {
    const edits = this.lastTaskDescriptionEdit;
    if (edits.size <= 10_000) return;
    for (const [other, at] of edits) {
      if (nowMs - at >= DESCRIPTION_EDIT_WINDOW_MS) edits.delete(other);
    }
  }

  /**
   * Resolves when the entries queued so far for `docName` are written (or their failure
   * logged): a REST call answers after its change's activity is readable.
   */
  settled(docName: string): Promise<void> {
    const queue = this.queues.get(docName);
    if (!queue) return Promise.resolve();
    if (queue.entries.length > 0) this.write(docName, queue);
    return queue.writing;
  }

  /** Resolves when every entry queued so far is written (or its failure logged). */
  async flush(): Promise<void> {
    for (const [docName, queue] of this.queues) {
      if (queue.entries.length > 0) this.write(docName, queue);
    }
    await Promise.all([...this.queues.values()].map((queue) => queue.writing));
  }

  private enqueue(docName: string, workspaceId: string, records: ActivityRecord[]): void {
    let queue = this.queues.get(docName);
    if (!queue) {
      queue = { workspaceId, entries: [], scheduled: false, writing: Promise.resolve() };
      this.queues.set(docName, queue);
    }
    queue.entries.push(...records);
    if (queue.scheduled) return;
    queue.scheduled = true;
    // A moment after the transaction: one insert for it and whatever else arrives meanwhile,
    // and not between a burst's updates (better-sqlite3 writes block the event loop, and a
    // reconnecting client's edits would wait for them before reaching the others). Reads of
    // the activity wait for it (`settled`), and closing the board writes it (`flush`).
    setTimeout(() => this.write(docName, queue), ACTIVITY_WRITE_DELAY_MS);
  }

  /** Starts writing what is queued, after the board's previous write. */
  private write(docName: string, queue: Queue): void {
    queue.scheduled = false;
    if (queue.entries.length === 0) return;
    const batch = queue.entries;
    queue.entries = [];
    const written = queue.writing.then(async () => {
      try {
        await this.deps.store.append(queue.workspaceId, batch);
      } catch (error) {
        this.deps.logger.error('board: recording task activity failed', {
          doc: docName,
          entries: batch.length,
          error: String(error)
        });
      }
    });
    queue.writing = written;
    void written.then(() => {
      if (queue.writing === written && queue.entries.length === 0 && !queue.scheduled) {
        this.queues.delete(docName);
      }
    });
  }

  /** Removes client-written `activity` arrays from tasks, in a server transaction after this one. */
  private removeLegacy(docName: string, taskIds: ReadonlySet<string>): void {
    setImmediate(() => {
      this.deps
        .docs()
        .transact(docName, (doc) => {
          const tasks = doc.getMap<unknown>('tasks');
          for (const id of taskIds) {
            const task = tasks.get(id);
            if (task instanceof Y.Map && task.has(ACTIVITY_KEY)) task.delete(ACTIVITY_KEY);
          }
        })
        .catch((error: unknown) => {
          this.deps.logger.error('board: removing client-written activity failed', {
            doc: docName,
            error: String(error)
          });
        });
    });
  }
}
