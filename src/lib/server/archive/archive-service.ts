/**
 * Moves finished tasks out of the live board document into the archive (docs/ARCHITECTURE.md,
 * "Board scale", point 2), and keeps every edit made to a task while or after it moved.
 *
 * The sweep, per board: tasks finished (task-archive.ts `finishedAt`) and unchanged for longer
 * than `ARCHIVE_AFTER_DAYS` are read, their rows written (records, outside any Yjs
 * transaction), then their entries deleted in one server transaction per batch, which checks
 * again that each entry is the same one, unchanged (same Yjs ids of all its values) and still
 * finished. A crash between the two leaves rows of live tasks: a live task always wins, and
 * the next sweep overwrites or deletes those rows. Two nodes may sweep one board at once (once
 * across nodes, docs/ARCHITECTURE.md): both write the same rows (by task id), and an entry
 * found gone in the transaction was moved by the other sweep, so its row stays (a finished task
 * deleted by a member in that moment stays archived rather than lost). Tasks whose entry still holds checklist
 * items, comments or runbook steps stay (that content is not in the row).
 *
 * The rescue: an offline client may send an edit to an entry the server already deleted; Yjs
 * integrates it into the deleted entry, i.e. drops it. The sweeper keeps, per loaded board, the
 * Yjs ids of every moved entry and of its field values, decodes each client update, and applies
 * a field written under a moved entry to the archived row instead; a status that reopens the
 * task brings it back as a live card.
 */
import * as Y from 'yjs';
import type { ChangeContext } from '../../../../sync-server/hooks';
import {
  SERVER_ORIGIN,
  isLocalOrigin,
  isLocalTransaction,
  serverOrigin,
  type ServerOrigin,
  type UpdateOrigin
} from '../../../../sync-server/update-origin';
import {
  getTask,
  readTask,
  resolveTaskIds,
  unarchiveTask as unarchiveLiveTask
} from '../../shared/board/board-model';
import type { Task } from '../../shared/board/schema';
import {
  columnCategories,
  entryFinishedAt,
  entryHoldsContent,
  finishedAt,
  writeArchivedCard
} from '../../shared/board/task-archive';
import { boardDocName } from '../../shared/doc-name';
import type { Logger } from '../log';
import type { ArchiveStore, ArchivedTask, FieldItemId } from './archive-store';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the archive needs of the DocStore. */
export interface ArchiveDocs {
  read<T>(name: string, fn: (doc: Y.Doc) => T): Promise<T>;
  transact<T>(name: string, fn: (doc: Y.Doc) => T, origin?: UpdateOrigin): Promise<T>;
}

/** Entries moved per Yjs transaction (and rows written per records transaction). */
export const ARCHIVE_BATCH_SIZE = 500;

/**
 * The plain fields of a task entry whose writes are applied to an archived row: what the card
 * shows and what decides whether the task is finished.
 */
export const RESCUED_FIELDS: ReadonlySet<string> = new Set([
  'title',
  'kind',
  'status',
  'position',
  'assignee',
  'priority',
  'dueAt',
  'estimateMinutes',
  'progress',
  'updatedAt',
  'startedAt',
  'acknowledgedAt',
  'resolvedAt',
  'doneAt',
  'archivedAt'
]);

export interface TaskArchiverDeps {
  store: Pick<
    ArchiveStore,
    'upsert' | 'get' | 'find' | 'delete' | 'movedEntries' | 'forgetMovedIds'
  >;
  docs: () => ArchiveDocs;
  logger: Logger;
  /** `ARCHIVE_AFTER_DAYS`. */
  afterDays: number;
  /** Clock, ms (tests). */
  now?: () => number;
  batchSize?: number;
}

export interface SweepResult {
  /** Entries moved out of the board. */
  moved: number;
  /** Finished tasks past the window that changed meanwhile, or still hold content. */
  skipped: number;
  /** Rows of live tasks deleted (left by a crash, or by a task reopened since). */
  staleRows: number;
}

interface FieldRef {
  taskId: string;
  field: string;
}

/** What the sweeper keeps of one loaded board. */
interface BoardState {
  workspaceId: string;
  /** Moved entry's Yjs id (`client:clock`) → task id. */
  entries: Map<string, string>;
  /** Field value Yjs ids: client → clock → the field. */
  fields: Map<number, Map<number, FieldRef>>;
  /** Task ids with a row (moved, or written before a crash). */
  rows: Set<string>;
  /** The board's archive work, one step at a time. */
  queue: Promise<unknown>;
}

type Plain = string | number | null;

const idKey = (client: number, clock: number) => `${client}:${clock}`;

/** The Yjs item holding a task entry's map, or null. */
function entryItem(map: Y.Map<unknown>): Y.Item | null {
  return (map as unknown as { _item: Y.Item | null })._item;
}

/** The current value item of every field of a task entry. */
function valueItems(map: Y.Map<unknown>): Map<string, Y.Item> {
  return (map as unknown as { _map: Map<string, Y.Item> })._map;
}

/** Every value (current and overwritten) of every rescued field of a task entry, by Yjs id. */
function fieldItemIds(map: Y.Map<unknown>): FieldItemId[] {
  const ids: FieldItemId[] = [];
  for (const [field, item] of valueItems(map)) {
    if (!RESCUED_FIELDS.has(field)) continue;
    let current: Y.AbstractStruct | null = item;
    while (current instanceof Y.Item && current.parentSub === field) {
      ids.push([current.id.client, current.id.clock, current.length, field]);
      current = current.left;
    }
  }
  return ids;
}

/** Which values an entry holds now: it is unchanged while this is the same. */
function signature(map: Y.Map<unknown>): string {
  const parts: string[] = [];
  for (const [field, item] of valueItems(map)) {
    parts.push(`${field}=${item.id.client}:${item.id.clock}:${item.deleted ? 'd' : ''}`);
  }
  return parts.sort().join(',');
}

function plainValue(value: unknown): Plain | undefined {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

interface Candidate {
  archived: ArchivedTask;
  signature: string;
}

export class TaskArchiver {
  private readonly boards = new Map<string, BoardState>();
  /** Archive work not finished yet, of every board (also of boards unloaded since). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly now: () => number;
  private readonly batchSize: number;

  constructor(private readonly deps: TaskArchiverDeps) {
    this.now = deps.now ?? Date.now;
    this.batchSize = deps.batchSize ?? ARCHIVE_BATCH_SIZE;
  }

  /** Whether a board is attached (loaded), for tests. */
  isAttached(docName: string): boolean {
    return this.boards.has(docName);
  }

  /**
   * Starts keeping a loaded board: reads the Yjs ids of its moved entries, so edits to them can
   * be rescued. Forgotten when the document is destroyed (unloaded).
   */
  async attach(doc: Y.Doc, docName: string, workspaceId: string): Promise<void> {
    const state: BoardState = {
      workspaceId,
      entries: new Map(),
      fields: new Map(),
      rows: new Set(),
      queue: Promise.resolve()
    };
    // Only ids of clients this generation of the board knows: after a rebase, a copy holding
    // older ids is refused before it is applied (sync-server/generations.ts), so remembering
    // them would only cost memory (tens of bytes per field of every task ever archived).
    const known = Y.decodeStateVector(Y.encodeStateVector(doc));
    const stale: string[] = [];
    for (const moved of await this.deps.store.movedEntries(workspaceId)) {
      const itemIds = moved.itemIds.filter(([client]) => known.has(client));
      const item = moved.item !== null && known.has(moved.item[0]) ? moved.item : null;
      if (item === null && itemIds.length === 0) {
        state.rows.add(moved.taskId);
        // Ids of an earlier generation, read once more here and then dropped for good.
        if (moved.item !== null || moved.itemIds.length > 0) stale.push(moved.taskId);
      } else this.remember(state, moved.taskId, item, itemIds);
    }
    if (stale.length > 0) await this.deps.store.forgetMovedIds(workspaceId, stale);
    this.boards.set(docName, state);
    // Entries another node's sweep moved (their rows written before the deletion arrives
    // here): remembered too, so an edit a client of this node sends to one is rescued.
    const tasks = doc.getMap<unknown>('tasks');
    const onTasks = (event: Y.YMapEvent<unknown>, transaction: Y.Transaction) => {
      if (isLocalTransaction(transaction.origin)) return;
      const deleted = new Set<string>();
      for (const [id, change] of event.changes.keys) {
        if (change.action === 'delete') deleted.add(id);
      }
      if (deleted.size > 0) this.learnMoved(state, deleted);
    };
    tasks.observe(onTasks);
    doc.once('destroy', () => {
      tasks.unobserve(onTasks);
      if (this.boards.get(docName) === state) this.boards.delete(docName);
    });
  }

  /** Remembers the moved entries among `taskIds` (deleted by another node) from their rows. */
  private learnMoved(state: BoardState, taskIds: ReadonlySet<string>): void {
    void this.serial(state, async () => {
      for (const moved of await this.deps.store.movedEntries(state.workspaceId, [...taskIds])) {
        this.remember(state, moved.taskId, moved.item, moved.itemIds);
      }
    }).catch((error: unknown) => {
      this.deps.logger.error('archive: reading entries moved by another node failed', {
        workspace: state.workspaceId,
        error: String(error)
      });
    });
  }

  private remember(
    state: BoardState,
    taskId: string,
    item: readonly [number, number] | null,
    itemIds: readonly FieldItemId[]
  ): void {
    state.rows.add(taskId);
    if (item !== null) state.entries.set(idKey(item[0], item[1]), taskId);
    for (const [client, clock, length, field] of itemIds) {
      this.rememberField(state, client, clock, length, { taskId, field });
    }
  }

  private rememberField(
    state: BoardState,
    client: number,
    clock: number,
    length: number,
    ref: FieldRef
  ): void {
    let clocks = state.fields.get(client);
    if (!clocks) state.fields.set(client, (clocks = new Map()));
    for (let i = 0; i < Math.max(1, length); i++) clocks.set(clock + i, ref);
  }

  private forget(state: BoardState, archived: ArchivedTask): void {
    state.rows.delete(archived.task.id);
    if (archived.item) state.entries.delete(idKey(archived.item[0], archived.item[1]));
    for (const [client, clock, length] of archived.itemIds) {
      const clocks = state.fields.get(client);
      for (let i = 0; i < Math.max(1, length); i++) clocks?.delete(clock + i);
    }
  }

  /** Runs `step` after the board's earlier archive work (sweeps, rescues, un-archiving). */
  private serial<T>(state: BoardState, step: () => Promise<T>): Promise<T> {
    const run = state.queue.then(step, step);
    const settled = run.catch(() => {});
    state.queue = settled;
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return run;
  }

  /** Resolves when the archive work queued so far for `docName` (or every board) is done. */
  async settled(docName?: string): Promise<void> {
    if (docName) await this.boards.get(docName)?.queue;
    else await Promise.all([...this.inFlight]);
  }

  /**
   * Moves the finished tasks of a board past the window into the archive. With `doc`, works on
   * that document directly (the load hook, before the DocStore hands it out); else through the
   * DocStore. Idempotent; batches of `batchSize`, each logged.
   */
  async sweep(docName: string, options: { doc?: Y.Doc } = {}): Promise<SweepResult> {
    const state = this.boards.get(docName);
    if (!state) return { moved: 0, skipped: 0, staleRows: 0 };
    return this.serial(state, () => this.sweepNow(docName, state, options.doc));
  }

  private async sweepNow(
    docName: string,
    state: BoardState,
    direct: Y.Doc | undefined
  ): Promise<SweepResult> {
    const docs = this.deps.docs;
    const read = <T>(fn: (doc: Y.Doc) => T): Promise<T> =>
      direct ? Promise.resolve(fn(direct)) : docs().read(docName, fn);
    const transact = <T>(fn: (doc: Y.Doc) => T): Promise<T> => {
      if (!direct) return docs().transact(docName, fn, SERVER_ORIGIN);
      let result!: T;
      direct.transact(() => {
        result = fn(direct);
      }, SERVER_ORIGIN);
      return Promise.resolve(result);
    };
    const started = Date.now();
    const nowMs = this.now();
    const cutoff = new Date(nowMs - this.deps.afterDays * DAY_MS).toISOString();
    const movedAt = new Date(nowMs).toISOString();
    const { candidates, held, stale } = await read((doc) =>
      this.candidates(doc, state, cutoff, movedAt)
    );
    const result: SweepResult = { moved: 0, skipped: held, staleRows: 0 };
    if (stale.length > 0) {
      result.staleRows += await this.deps.store.delete(state.workspaceId, stale);
      for (const id of stale) state.rows.delete(id);
    }
    for (let start = 0; start < candidates.length; start += this.batchSize) {
      const batch = candidates.slice(start, start + this.batchSize);
      // The rows first: a crash after this leaves rows of live tasks, never a lost task.
      await this.deps.store.upsert(batch.map((c) => c.archived));
      for (const c of batch) state.rows.add(c.archived.task.id);
      const { moved, kept, gone } = await transact((doc) => {
        const tasks = doc.getMap<unknown>('tasks');
        const categories = columnCategories(doc);
        const moved: Candidate[] = [];
        const kept: string[] = [];
        const gone: string[] = [];
        for (const c of batch) {
          const id = c.archived.task.id;
          const map = tasks.get(id);
          if (map === undefined) {
            // Moved meanwhile by the sweep of another node (the same row): the row stays.
            gone.push(id);
            continue;
          }
          const item = map instanceof Y.Map ? entryItem(map) : null;
          const same =
            map instanceof Y.Map &&
            item !== null &&
            c.archived.item !== null &&
            item.id.client === c.archived.item[0] &&
            item.id.clock === c.archived.item[1] &&
            signature(map) === c.signature &&
            entryFinishedAt(map, categories) !== null;
          if (same) {
            tasks.delete(id);
            moved.push(c);
          } else {
            kept.push(id);
          }
        }
        return { moved, kept, gone };
      });
      result.skipped += gone.length;
      for (const c of moved) {
        const { item, itemIds, task } = c.archived;
        this.remember(state, task.id, item, itemIds);
      }
      if (kept.length > 0) {
        // Changed since it was read: a live task wins; the next sweep looks again.
        result.staleRows += await this.deps.store.delete(state.workspaceId, kept);
        for (const id of kept) state.rows.delete(id);
        result.skipped += kept.length;
      }
      result.moved += moved.length;
      this.deps.logger.info('archive: moved finished tasks out of the board', {
        doc: docName,
        moved: result.moved,
        of: candidates.length,
        ms: Date.now() - started
      });
    }
    return result;
  }

  /** The tasks of a board to move now, the ones held back, and row ids of live tasks. */
  private candidates(doc: Y.Doc, state: BoardState, cutoff: string, movedAt: string) {
    const categories = columnCategories(doc);
    const candidates: Candidate[] = [];
    const live = new Set<string>();
    let held = 0;
    doc.getMap<unknown>('tasks').forEach((value, id) => {
      if (!(value instanceof Y.Map)) return;
      const map = value as Y.Map<unknown>;
      const finished = entryFinishedAt(map, categories);
      const updated = map.get('updatedAt');
      const eligible =
        finished !== null && finished < cutoff && (typeof updated !== 'string' || updated < cutoff);
      if (!eligible) {
        if (state.rows.has(id)) live.add(id);
        return;
      }
      const item = entryItem(map);
      if (entryHoldsContent(map) || item === null) {
        held++;
        if (state.rows.has(id)) live.add(id);
        return;
      }
      candidates.push({
        archived: {
          workspaceId: state.workspaceId,
          task: readTask(map, id),
          finishedAt: finished,
          movedAt,
          item: [item.id.client, item.id.clock],
          itemIds: fieldItemIds(map)
        },
        signature: signature(map)
      });
    });
    return { candidates, held, stale: [...live] };
  }

  /**
   * Looks for writes under moved entries in an update a client (or peer) sent, and applies
   * them to the archive: called with every such update of a loaded board as it arrived, before
   * it is applied (`onApply`). The fields are read now; categories of columns too.
   */
  rescue(ctx: ChangeContext): void {
    if (ctx.origin.kind === 'server') return;
    const state = this.boards.get(ctx.name);
    if (!state || (state.entries.size === 0 && state.fields.size === 0)) return;
    let structs: Array<Y.Item | Y.GC | Y.Skip>;
    try {
      structs = Y.decodeUpdate(ctx.update).structs;
    } catch {
      return;
    }
    const writes = new Map<string, Record<string, Plain>>();
    // Structs the document already holds were seen (and rescued) when they first arrived: a
    // duplicate sent again must not put an older value back over a newer one.
    const store = ctx.doc.store;
    const pending = structs.filter(
      (s): s is Y.Item =>
        s instanceof Y.Item && s.id.clock + s.length > Y.getState(store, s.id.client)
    );
    // Passes until nothing new matches: a value may sit on another client's new value.
    for (let found = true; found && pending.length > 0;) {
      found = false;
      for (let i = 0; i < pending.length; i++) {
        const item = pending[i]!;
        const ref = this.refOf(state, item);
        if (!ref) continue;
        pending.splice(i--, 1);
        found = true;
        this.rememberField(state, item.id.client, item.id.clock, item.length, ref);
        if (!(item.content instanceof Y.ContentAny)) continue;
        const values = item.content.getContent();
        const value = plainValue(values[values.length - 1]);
        if (value === undefined) continue;
        const fields = writes.get(ref.taskId) ?? {};
        fields[ref.field] = value;
        writes.set(ref.taskId, fields);
      }
    }
    // A peer's update was rescued by the node it was made on (once across nodes): here only
    // the field ids above are remembered.
    if (writes.size === 0 || !isLocalOrigin(ctx.origin)) return;
    const categories = columnCategories(ctx.doc);
    void this.serial(state, () => this.applyRescued(ctx.name, state, writes, categories)).catch(
      (error: unknown) => {
        this.deps.logger.error('archive: applying an edit to an archived task failed', {
          doc: ctx.name,
          error: String(error)
        });
      }
    );
  }

  /** The moved task and field a struct writes, or undefined. */
  private refOf(state: BoardState, item: Y.Item): FieldRef | undefined {
    const parent = item.parent as unknown;
    if (parent instanceof Y.ID) {
      const taskId = state.entries.get(idKey(parent.client, parent.clock));
      const field = item.parentSub;
      return taskId !== undefined && field !== null && RESCUED_FIELDS.has(field)
        ? { taskId, field }
        : undefined;
    }
    const origin = item.origin;
    return origin ? state.fields.get(origin.client)?.get(origin.clock) : undefined;
  }

  private async applyRescued(
    docName: string,
    state: BoardState,
    writes: Map<string, Record<string, Plain>>,
    categories: ReadonlyMap<string, string>
  ): Promise<void> {
    for (const [taskId, fields] of writes) {
      const archived = await this.deps.store.get(state.workspaceId, taskId);
      if (!archived) {
        // Un-archived meanwhile: the edit belongs to the live card.
        await this.deps.docs().transact(docName, (doc) => {
          const map = doc.getMap<unknown>('tasks').get(taskId);
          if (!(map instanceof Y.Map)) return;
          for (const [field, value] of Object.entries(fields)) map.set(field, value);
        });
        continue;
      }
      const task = { ...archived.task, ...fields } as Task;
      const finished = finishedAt(task, categories as ReadonlyMap<string, 'done'>);
      if (finished === null) {
        // Reopened: back on the board, with the edit.
        const origin: ServerOrigin = Object.freeze({ kind: 'server', reason: 'unarchive' });
        await this.restore(docName, state, archived, task, origin);
        this.deps.logger.info('archive: a reopened task is back on the board', {
          doc: docName,
          task: taskId
        });
      } else {
        await this.deps.store.upsert([{ ...archived, task, finishedAt: finished }]);
      }
    }
  }

  /** Writes `task` back into the board, then deletes its row. */
  private async restore(
    docName: string,
    state: BoardState,
    archived: ArchivedTask,
    task: Task,
    origin: ServerOrigin
  ): Promise<void> {
    await this.deps.docs().transact(docName, (doc) => writeArchivedCard(doc, task), origin);
    await this.deps.store.delete(state.workspaceId, [archived.task.id]);
    this.forget(state, archived);
  }

  /**
   * Un-archives the task `keyOrId` names: an archived card still on the board is restored
   * (archivedAt cleared), else one moved to the archive comes back (`unarchive`). Null when
   * there is no such task, live or archived.
   */
  async unarchiveTask(
    workspaceId: string,
    keyOrId: string,
    actorId: string | null
  ): Promise<Task | null> {
    const live = await this.deps.docs().transact(
      boardDocName(workspaceId),
      (doc) => {
        const id = resolveTaskIds(doc, [keyOrId])[0];
        return id ? unarchiveLiveTask(doc, id, { actor: actorId }) : null;
      },
      serverOrigin(actorId)
    );
    return live ?? this.unarchive(workspaceId, keyOrId, actorId);
  }

  /**
   * Brings an archived task (by id or key) back to the board as a live card, with its id, key
   * and fields, not archived any more and changed now (so the next sweep leaves it for a whole
   * window); deletes its row. Null when there is no such archived task.
   */
  async unarchive(
    workspaceId: string,
    keyOrId: string,
    actorId: string | null
  ): Promise<Task | null> {
    const docName = boardDocName(workspaceId);
    // Loads the board (and attaches it) when it is not loaded.
    await this.deps.docs().read(docName, () => null);
    const state = this.boards.get(docName);
    if (!state) throw new Error(`board ${docName} is not attached to the archive`);
    return this.serial(state, async () => {
      const archived = await this.deps.store.find(workspaceId, keyOrId);
      if (!archived) return null;
      const now = new Date(this.now()).toISOString();
      const task: Task = { ...archived.task, archivedAt: null, updatedAt: now };
      const origin: ServerOrigin = Object.freeze({ ...serverOrigin(actorId), reason: 'unarchive' });
      await this.restore(docName, state, archived, task, origin);
      return this.deps.docs().read(docName, (doc) => getTask(doc, archived.task.id));
    });
  }
}
