/**
 * The board model: typed reads and mutations over a board `Y.Doc` (`<ws>.board`). Browser and
 * server both change the board only through these functions, so validation and lifecycle
 * rules are the same everywhere.
 *
 * Document layout (schemaVersion 1):
 *
 *   doc.getMap('tasks')    Y.Map<taskId, Y.Map<field, unknown>>, one entry per task:
 *                            id, key, title, kind, status (column id),
 *                            position (fractional key), assignee, priority, dueAt,
 *                            estimateMinutes, progress, createdAt, createdBy, updatedAt,
 *                            startedAt, acknowledgedAt, resolvedAt, doneAt, archivedAt
 *                              — plain values (string | number | null);
 *                            labels — nested Y.Map<labelId, true>, so a concurrent add and
 *                              remove of different labels both survive;
 *                            links  — nested Y.Map<`${type}:${target}`, { type, target, addedAt }>;
 *                            checklistDone, checklistTotal, commentCount — card badges,
 *                              written by the server from the task's document;
 *                            activity — written by clients before 0.x (a nested Y.Array);
 *                              never read any more: the server records activity as rows
 *                              (server/board/activity-recorder.ts) and removes old arrays.
 *                          The heavy content (description, checklist, comments, runbook runs)
 *                          lives in the task's own document `<ws>.task.<id>` (task-doc.ts).
 *                          Boards of layout 1 held it in the entry, in the same shapes; the
 *                          server moves it out on load (board-layout-migration.ts) and moves
 *                          whatever an old client still writes there. Until then `readTask`
 *                          and `getTaskDetail` read it from the entry.
 *   doc.getMap('columns')  Y.Map<columnId, Y.Map>: name, position, category, wipLimit.
 *   doc.getMap('labels')   Y.Map<labelId, Y.Map>: name, color.
 *   doc.getMap('meta')     schemaVersion (1), keyPrefix (e.g. 'OPS'), layout (2 once the
 *                          content is moved out of the entries).
 *
 * Why this shape: a task is exactly one entry of the tasks map and its order is a field, so a
 * concurrent move of the same card on two replicas can never duplicate or lose it — the last
 * writer of `status`/`position` wins. When two replicas generate the same position key
 * concurrently, order is broken by id (sort by position, then id); the next move into such a
 * tie re-keys the tied cards.
 *
 * Rules every mutation follows: validate the input (zod) and check every reference BEFORE
 * touching the document — a Yjs transaction cannot be rolled back, so a throw half-way would
 * leave a half-applied edit on every replica — then write inside one `doc.transact(fn, origin)`.
 * Errors are `DomainError`s with a stable `code`. Mutations write no activity: the server
 * derives who changed what from the transactions it applies (server/board/activity-recorder.ts),
 * so a client can neither forge the log nor grow the document with it.
 *
 * Readers are tolerant: a field of the wrong type (an old or buggy client) reads as its
 * default instead of throwing, so one bad entry cannot take the board down.
 */
import * as Y from 'yjs';
import { generateKeyBetween, generateNKeysBetween, isValidKey } from '../fractional-index';
import {
  DomainError,
  columnsOf,
  compareOrdered,
  entry,
  generateId,
  isoNow,
  labelsOf,
  metaOf,
  parse,
  parseActor,
  placeAt,
  readEnum,
  readInt,
  readString,
  requireTask,
  setIfChanged,
  targetIndex,
  tasksOf,
  writePositions,
  type FieldMap,
  type MutationOptions,
  type Ordered,
  type Placement,
  type TaskMutationOptions
} from './board-doc';
import {
  bulkTaskPatchSchema,
  columnCategorySchema,
  columnCreateSchema,
  columnSchema,
  idSchema,
  keyPrefixSchema,
  labelUpsertSchema,
  moveTargetSchema,
  prioritySchema,
  taskCreateSchema,
  taskDescriptionSchema,
  taskFilterSchema,
  taskKindSchema,
  taskLinkTypeSchema,
  taskPatchSchema,
  wipLimitSchema
} from './schema';
import type {
  Column,
  ColumnCategory,
  ColumnCreateInput,
  Label,
  LabelUpsertInput,
  MoveTarget,
  Task,
  TaskCreateInput,
  TaskFilter,
  TaskLink,
  TaskLinkInput,
  TaskDetail,
  TaskPatch,
  TaskPatchInput
} from './schema';
import { checklistCounts } from './task-checklist';
import { commentCount } from './task-comments';
import {
  DESCRIPTION_KEY,
  newDescriptionText,
  readDescription,
  writeDescription
} from './task-description';
import { hasBoardContent, readTaskContent, storedSummary, taskContentOf } from './task-doc';

export { DomainError, GENERATED_ID_LENGTH, generateId } from './board-doc';
export type { MutationOptions, TaskMutationOptions } from './board-doc';
export {
  addChecklistItem,
  moveChecklistItem,
  removeChecklistItem,
  updateChecklistItem
} from './task-checklist';
export type { AddChecklistItemOptions } from './task-checklist';
export { readRunCounts, readRunSteps, setRunStep } from './task-runs';
export type { RunStep, SetRunStepOptions } from './task-runs';
export { addComment, deleteComment, editComment } from './task-comments';
export type { AddCommentOptions } from './task-comments';
export { textSplice } from './task-description';
export {
  CONTENT_KEYS,
  SUMMARY_KEYS,
  TASK_CONTENT_MAP,
  contentSummary,
  copyBoardContent,
  hasBoardContent,
  initTaskContent,
  readTaskContent,
  removeBoardContent,
  storedSummary,
  taskContentOf,
  writeSummary
} from './task-doc';
export type { TaskContent, TaskSummary } from './task-doc';
export type { TextSplice } from './task-description';

/** Version of the document layout described above. */
export const BOARD_SCHEMA_VERSION = 1;
/** Key prefix used when `initBoard` is not given one. */
export const DEFAULT_KEY_PREFIX = 'OPS';

/** Columns of a new board; the ids are stable so concurrent `initBoard` calls merge. */
export const DEFAULT_COLUMNS: readonly ColumnSeed[] = [
  { id: 'backlog', name: 'Backlog', category: 'todo' },
  { id: 'todo', name: 'To do', category: 'todo' },
  { id: 'in-progress', name: 'In progress', category: 'in_progress' },
  { id: 'review', name: 'Review', category: 'in_progress' },
  { id: 'done', name: 'Done', category: 'done' }
];
export interface ColumnSeed {
  id: string;
  name: string;
  category: ColumnCategory;
  wipLimit?: number | null;
}

export interface CreateTaskOptions extends TaskMutationOptions {
  /** Id of the new task; generated when absent. */
  id?: string;
}

export interface InitBoardOptions extends MutationOptions {
  keyPrefix?: string;
  /** Columns to create when the board has none; defaults to `DEFAULT_COLUMNS`. */
  columns?: readonly ColumnSeed[];
}

export interface TaskChanges {
  /** Tasks created or changed, as they read after the transaction. */
  upserted: Task[];
  /** Ids of tasks whose entry was deleted from the tasks map. */
  removed: string[];
}

// ---------------------------------------------------------------------------------------------
// References

function requireColumn(doc: Y.Doc, id: string): FieldMap {
  const map = typeof id === 'string' ? entry(columnsOf(doc), id) : null;
  if (map === null) throw new DomainError('not_found', `column ${JSON.stringify(id)} not found`);
  return map;
}

/** The column a task refers to; a missing one is the caller's mistake, not a missing target. */
function referencedColumn(doc: Y.Doc, id: string): FieldMap {
  const map = entry(columnsOf(doc), id);
  if (map === null) {
    throw new DomainError('invalid_input', `column ${JSON.stringify(id)} does not exist`);
  }
  return map;
}

function requireLabelsExist(
  doc: Y.Doc,
  ids: readonly string[],
  allowed: ReadonlySet<string>
): void {
  const labels = labelsOf(doc);
  const missing = ids.filter((id) => !allowed.has(id) && entry(labels, id) === null);
  if (missing.length > 0) {
    throw new DomainError('invalid_input', `unknown label(s): ${missing.join(', ')}`, {
      details: { missing }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Meta and columns

const columnSeedSchema = columnSchema.omit({ position: true }).extend({
  wipLimit: wipLimitSchema.optional()
});

const neighbourSchema = columnCreateSchema.pick({ beforeId: true, afterId: true }).strict();

/**
 * Prepares a board document; idempotent. Sets schemaVersion and keyPrefix when unset and
 * creates the default (or given) columns when the board has none.
 */
export function initBoard(doc: Y.Doc, options: InitBoardOptions = {}): void {
  const keyPrefix =
    options.keyPrefix === undefined
      ? DEFAULT_KEY_PREFIX
      : parse(keyPrefixSchema, options.keyPrefix, 'key prefix');
  const seeds = (options.columns ?? DEFAULT_COLUMNS).map((seed) =>
    parse(columnSeedSchema, seed, 'column')
  );
  if (seeds.length === 0) {
    throw new DomainError('invalid_input', 'a board needs at least one column');
  }
  const ids = new Set(seeds.map((s) => s.id));
  if (ids.size !== seeds.length)
    throw new DomainError('invalid_input', 'column ids must be unique');
  const meta = metaOf(doc);
  const columns = columnsOf(doc);
  const needsColumns = columns.size === 0;
  if (
    meta.get('schemaVersion') !== undefined &&
    meta.get('keyPrefix') !== undefined &&
    !needsColumns
  ) {
    return;
  }
  doc.transact(() => {
    if (meta.get('schemaVersion') === undefined) meta.set('schemaVersion', BOARD_SCHEMA_VERSION);
    if (meta.get('keyPrefix') === undefined) meta.set('keyPrefix', keyPrefix);
    if (!needsColumns) return;
    const keys = generateNKeysBetween(null, null, seeds.length);
    seeds.forEach((seed, i) => {
      const map = new Y.Map<unknown>();
      columns.set(seed.id, map);
      map.set('name', seed.name);
      map.set('position', keys[i] ?? '');
      map.set('category', seed.category);
      map.set('wipLimit', seed.wipLimit ?? null);
    });
  }, options.origin);
}

/** The board's meta fields (schema version and key prefix), with defaults for unset ones. */
export function readBoardMeta(doc: Y.Doc): { schemaVersion: number; keyPrefix: string } {
  const meta = metaOf(doc);
  const version = meta.get('schemaVersion');
  const prefix = meta.get('keyPrefix');
  return {
    schemaVersion: typeof version === 'number' ? version : BOARD_SCHEMA_VERSION,
    keyPrefix: typeof prefix === 'string' ? prefix : DEFAULT_KEY_PREFIX
  };
}

/** Reads one column entry. */
function readColumn(map: FieldMap, id: string): Column {
  const wipLimit = readInt(map, 'wipLimit');
  return {
    id,
    name: readString(map, 'name') ?? id,
    position: readString(map, 'position') ?? '',
    category: readEnum(map.get('category'), columnCategorySchema.options, 'todo'),
    wipLimit: wipLimit !== null && wipLimit > 0 ? wipLimit : null
  };
}

/** All columns, sorted by position then id. */
export function listColumns(doc: Y.Doc): Column[] {
  const result: Column[] = [];
  columnsOf(doc).forEach((value, id) => {
    if (value instanceof Y.Map) result.push(readColumn(value as FieldMap, id));
  });
  return result.sort(compareOrdered);
}

/** One column, or null. */
export function getColumn(doc: Y.Doc, id: string): Column | null {
  const map = entry(columnsOf(doc), id);
  return map === null ? null : readColumn(map, id);
}

function columnNeighbourError(id: string): DomainError {
  return new DomainError('invalid_input', `column ${JSON.stringify(id)} does not exist`);
}

/** Adds a column (at the end unless `beforeId`/`afterId` is given) and returns it. */
export function addColumn(
  doc: Y.Doc,
  input: ColumnCreateInput,
  options: MutationOptions = {}
): Column {
  const data = parse(columnCreateSchema, input, 'column');
  const id = data.id ?? generateId();
  const columns = columnsOf(doc);
  if (columns.has(id)) {
    throw new DomainError('conflict', `column ${JSON.stringify(id)} already exists`);
  }
  const siblings = listColumns(doc);
  const index = targetIndex(siblings, data.beforeId, data.afterId, columnNeighbourError);
  const placement = placeAt(siblings, index);
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    columns.set(id, map);
    map.set('name', data.name);
    map.set('position', placement.position);
    map.set('category', data.category);
    map.set('wipLimit', data.wipLimit ?? null);
    writePositions(columns, placement.rekeyed);
  }, options.origin);
  return readColumn(requireColumn(doc, id), id);
}

/** Renames a column. */
export function renameColumn(
  doc: Y.Doc,
  id: string,
  name: string,
  options: MutationOptions = {}
): Column {
  const value = parse(columnSchema.shape.name, name, 'column name');
  const map = requireColumn(doc, id);
  doc.transact(() => setIfChanged(map, 'name', value), options.origin);
  return readColumn(map, id);
}

/** Moves a column before `beforeId` or after `afterId` (neither: to the end). */
export function moveColumn(
  doc: Y.Doc,
  id: string,
  target: { beforeId?: string; afterId?: string },
  options: MutationOptions = {}
): Column {
  const data = parse(neighbourSchema, target, 'column move');
  const map = requireColumn(doc, id);
  if (data.beforeId === id || data.afterId === id) {
    throw new DomainError('invalid_input', 'a column cannot be placed next to itself');
  }
  const siblings = listColumns(doc).filter((c) => c.id !== id);
  const index = targetIndex(siblings, data.beforeId, data.afterId, columnNeighbourError);
  const placement = placeAt(siblings, index);
  doc.transact(() => {
    map.set('position', placement.position);
    writePositions(columnsOf(doc), placement.rekeyed);
  }, options.origin);
  return readColumn(map, id);
}

/** Sets (or with null, clears) a column's WIP limit. */
export function setWipLimit(
  doc: Y.Doc,
  id: string,
  wipLimit: number | null,
  options: MutationOptions = {}
): Column {
  const value = parse(wipLimitSchema, wipLimit, 'WIP limit');
  const map = requireColumn(doc, id);
  doc.transact(() => setIfChanged(map, 'wipLimit', value), options.origin);
  return readColumn(map, id);
}

/** Removes a column; refused (`conflict`) while it holds tasks that are not archived. */
export function removeColumn(doc: Y.Doc, id: string, options: MutationOptions = {}): void {
  requireColumn(doc, id);
  let held = 0;
  tasksOf(doc).forEach((value) => {
    if (!(value instanceof Y.Map)) return;
    const map = value as FieldMap;
    if (map.get('status') === id && readString(map, 'archivedAt') === null) held++;
  });
  if (held > 0) {
    throw new DomainError('conflict', `column ${JSON.stringify(id)} still holds ${held} task(s)`, {
      details: { tasks: held }
    });
  }
  doc.transact(() => columnsOf(doc).delete(id), options.origin);
}

// ---------------------------------------------------------------------------------------------
// Labels

function readLabel(map: FieldMap, id: string): Label {
  return {
    id,
    name: readString(map, 'name') ?? id,
    color: readString(map, 'color') ?? '#888888'
  };
}

/** All labels, sorted by name then id. */
export function listLabels(doc: Y.Doc): Label[] {
  const result: Label[] = [];
  labelsOf(doc).forEach((value, id) => {
    if (value instanceof Y.Map) result.push(readLabel(value as FieldMap, id));
  });
  return result.sort((a, b) =>
    a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  );
}

/** Creates a label, or updates name and colour of the label with the given id. */
export function upsertLabel(
  doc: Y.Doc,
  input: LabelUpsertInput,
  options: MutationOptions = {}
): Label {
  const data = parse(labelUpsertSchema, input, 'label');
  const id = data.id ?? generateId();
  const labels = labelsOf(doc);
  doc.transact(() => {
    let map = entry(labels, id);
    if (map === null) {
      map = new Y.Map<unknown>();
      labels.set(id, map);
    }
    setIfChanged(map, 'name', data.name);
    setIfChanged(map, 'color', data.color);
  }, options.origin);
  const map = entry(labels, id);
  if (map === null) throw new DomainError('conflict', `label ${JSON.stringify(id)} vanished`);
  return readLabel(map, id);
}

/** Removes a label and takes it off every task that carries it. */
export function removeLabel(doc: Y.Doc, id: string, options: TaskMutationOptions = {}): void {
  const labels = labelsOf(doc);
  if (entry(labels, id) === null) {
    throw new DomainError('not_found', `label ${JSON.stringify(id)} not found`);
  }
  const now = isoNow(options.now);
  const carriers: FieldMap[] = [];
  tasksOf(doc).forEach((value) => {
    if (!(value instanceof Y.Map)) return;
    const set = (value as FieldMap).get('labels');
    if (set instanceof Y.Map && set.has(id)) carriers.push(value as FieldMap);
  });
  doc.transact(() => {
    labels.delete(id);
    for (const task of carriers) {
      const set = task.get('labels');
      if (set instanceof Y.Map) set.delete(id);
      task.set('updatedAt', now);
    }
  }, options.origin);
}

// ---------------------------------------------------------------------------------------------
// Tasks: reading

function readLabelIds(map: FieldMap): string[] {
  const set = map.get('labels');
  if (!(set instanceof Y.Map)) return [];
  const ids: string[] = [];
  // Iteration order of a Y.Map can differ between replicas; sort so reads converge too.
  for (const [id, value] of (set as Y.Map<unknown>).entries()) if (value === true) ids.push(id);
  return ids.sort();
}

function readLinks(map: FieldMap): TaskLink[] {
  const set = map.get('links');
  if (!(set instanceof Y.Map)) return [];
  const links: TaskLink[] = [];
  for (const value of (set as Y.Map<unknown>).values()) {
    if (typeof value !== 'object' || value === null) continue;
    const { type, target, addedAt } = value as Record<string, unknown>;
    if (typeof target !== 'string' || typeof addedAt !== 'string') continue;
    if (typeof type !== 'string' || !(taskLinkTypeSchema.options as string[]).includes(type)) {
      continue;
    }
    links.push({ type: type as TaskLink['type'], target, addedAt });
  }
  return links.sort((a, b) =>
    a.type !== b.type
      ? a.type < b.type
        ? -1
        : 1
      : a.target < b.target
        ? -1
        : a.target > b.target
          ? 1
          : 0
  );
}

/** Reads a task entry into the plain `Task` view; `id` defaults to the entry's `id` field. */
export function readTask(map: Y.Map<unknown>, id?: string): Task {
  const progress = readInt(map, 'progress');
  // The server-written summaries; an old-layout entry (content not moved yet) counts its own.
  const legacy = hasBoardContent(map);
  const summary = storedSummary(map);
  const checklist = legacy
    ? checklistCounts(map)
    : { done: summary.checklistDone, total: summary.checklistTotal };
  return {
    id: id ?? readString(map, 'id') ?? '',
    key: readString(map, 'key'),
    title: readString(map, 'title') ?? '',
    description: readDescription(map),
    kind: readEnum(map.get('kind'), taskKindSchema.options, 'task'),
    status: readString(map, 'status') ?? '',
    position: readString(map, 'position') ?? '',
    assignee: readString(map, 'assignee'),
    priority: readEnum(map.get('priority'), prioritySchema.options, 'none'),
    labels: readLabelIds(map),
    dueAt: readString(map, 'dueAt'),
    estimateMinutes: readInt(map, 'estimateMinutes'),
    progress: progress === null ? 0 : Math.min(100, Math.max(0, progress)),
    createdAt: readString(map, 'createdAt') ?? '',
    createdBy: readString(map, 'createdBy'),
    updatedAt: readString(map, 'updatedAt') ?? readString(map, 'createdAt') ?? '',
    startedAt: readString(map, 'startedAt'),
    acknowledgedAt: readString(map, 'acknowledgedAt'),
    resolvedAt: readString(map, 'resolvedAt'),
    doneAt: readString(map, 'doneAt'),
    archivedAt: readString(map, 'archivedAt'),
    links: readLinks(map),
    checklistDone: checklist.done,
    checklistTotal: checklist.total,
    commentCount: legacy ? commentCount(map) : summary.commentCount
  };
}

/** One task, or null when there is none with that id. */
export function getTask(doc: Y.Doc, id: string): Task | null {
  const map = entry(tasksOf(doc), id);
  return map === null ? null : readTask(map, id);
}

/**
 * One task with its checklist (by position, then id) and comments (oldest first), or null when
 * there is none with that id. The content comes from the task document (`taskDoc`, see
 * task-doc.ts); content an old-layout entry still holds (not moved by the server yet) is
 * merged in, so a task reads the same before and after the move. Without `taskDoc`, only the
 * entry is read. `activity` is always empty here: it lives in the server's records (the REST
 * detail fills it from there), never in a document.
 */
export function getTaskDetail(doc: Y.Doc, id: string, taskDoc?: Y.Doc): TaskDetail | null {
  const map = entry(tasksOf(doc), id);
  if (map === null) return null;
  const legacy = readTaskContent(map);
  const content =
    taskDoc === undefined
      ? legacy
      : mergeContent(readTaskContent(taskContentOf(taskDoc)), legacy, map);
  const task = readTask(map, id);
  // The content's last change counts as the task's (the server mirrors it into the card).
  const contentUpdated =
    taskDoc === undefined ? null : readString(taskContentOf(taskDoc), 'updatedAt');
  return {
    ...task,
    ...(contentUpdated !== null && contentUpdated > task.updatedAt
      ? { updatedAt: contentUpdated }
      : {}),
    description: content.description,
    ...(taskDoc === undefined
      ? {}
      : {
          checklistDone: content.checklist.filter((item) => item.done).length,
          checklistTotal: content.checklist.length,
          commentCount: content.comments.length
        }),
    checklist: content.checklist,
    comments: content.comments,
    activity: []
  };
}

/** A task document's content with what its old-layout entry still holds (by id; doc wins). */
function mergeContent(
  content: ReturnType<typeof readTaskContent>,
  legacy: ReturnType<typeof readTaskContent>,
  map: FieldMap
): ReturnType<typeof readTaskContent> {
  if (legacy.checklist.length === 0 && legacy.comments.length === 0 && !map.has(DESCRIPTION_KEY)) {
    return content;
  }
  const items = new Map(legacy.checklist.map((item) => [item.id, item]));
  for (const item of content.checklist) items.set(item.id, item);
  const comments = new Map(legacy.comments.map((comment) => [comment.id, comment]));
  for (const comment of content.comments) comments.set(comment.id, comment);
  return {
    // The server moves an entry's text into the document within moments; until then it shows.
    description: content.description === '' ? legacy.description : content.description,
    checklist: [...items.values()].sort(compareOrdered),
    comments: [...comments.values()].sort((a, b) =>
      a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : a.id < b.id ? -1 : 1
    )
  };
}

/**
 * The ids of the tasks `refs` address, each by id, else by human key (case-insensitive: `ops-12`
 * finds OPS-12); null where none matches. The one resolver of task references: deep links and
 * every REST path or body that names a task carry either form. Keys are indexed at most once
 * per call, and only when some reference is not an id.
 */
export function resolveTaskIds(doc: Y.Doc, refs: readonly string[]): Array<string | null> {
  const tasks = tasksOf(doc);
  let byKey: Map<string, string> | null = null;
  return refs.map((ref) => {
    if (typeof ref !== 'string' || ref === '') return null;
    if (entry(tasks, ref) !== null) return ref;
    if (byKey === null) {
      byKey = new Map();
      for (const [id, value] of tasks.entries()) {
        if (!(value instanceof Y.Map)) continue;
        const key = readString(value as FieldMap, 'key');
        const upper = key?.toUpperCase();
        if (upper !== undefined && !byKey.has(upper)) byKey.set(upper, id);
      }
    }
    return byKey.get(ref.toUpperCase()) ?? null;
  });
}

/** Whether `keyOrId` names `task`: its id, or its human key in any case (as `resolveTaskIds`). */
export function isTaskRef(task: Pick<Task, 'id' | 'key'>, keyOrId: string): boolean {
  return (
    task.id === keyOrId || (task.key !== null && task.key.toUpperCase() === keyOrId.toUpperCase())
  );
}

/** A task by id, else by human key (see `resolveTaskIds`), or null. */
export function findTask(doc: Y.Doc, keyOrId: string): Task | null {
  const id = resolveTaskIds(doc, [keyOrId])[0] ?? null;
  return id === null ? null : getTask(doc, id);
}

/**
 * Tasks matching `filter` (archived ones only with `includeArchived`), sorted by column order,
 * then position, then id. Tasks of a column that no longer exists come last.
 */
export function listTasks(doc: Y.Doc, filter: TaskFilter = {}): Task[] {
  const f = parse(taskFilterSchema, filter, 'task filter');
  const needle = f.q?.trim().toLowerCase() ?? '';
  const result: Task[] = [];
  tasksOf(doc).forEach((value, id) => {
    if (!(value instanceof Y.Map)) return;
    const map = value as FieldMap;
    // Cheap field checks first, so a filtered list of a big board reads few tasks in full.
    if (f.status !== undefined && map.get('status') !== f.status) return;
    if (!f.includeArchived && readString(map, 'archivedAt') !== null) return;
    const task = readTask(map, id);
    if (f.kind !== undefined && task.kind !== f.kind) return;
    if (f.assignee !== undefined && task.assignee !== f.assignee) return;
    if (f.label !== undefined && !task.labels.includes(f.label)) return;
    if (needle !== '') {
      const haystack = `${task.key ?? ''}\n${task.title}\n${task.description}`.toLowerCase();
      if (!haystack.includes(needle)) return;
    }
    result.push(task);
  });
  return sortTasks(result, listColumns(doc));
}

/** Sorts tasks by column order (unknown columns last, by id), then position, then id. */
export function sortTasks(tasks: Task[], columns: readonly Column[]): Task[] {
  const order = new Map(columns.map((c, i) => [c.id, i]));
  return tasks.sort((a, b) => {
    const ca = order.get(a.status) ?? columns.length;
    const cb = order.get(b.status) ?? columns.length;
    if (ca !== cb) return ca - cb;
    if (a.status !== b.status) return a.status < b.status ? -1 : 1;
    return compareOrdered(a, b);
  });
}

/** Position and id of every task in a column (archived included), sorted, except `excludeId`. */
function columnSiblings(doc: Y.Doc, status: string, excludeId: string | null): Ordered[] {
  const siblings: Ordered[] = [];
  tasksOf(doc).forEach((value, id) => {
    if (id === excludeId || !(value instanceof Y.Map)) return;
    const map = value as FieldMap;
    if (map.get('status') !== status) return;
    siblings.push({ id, position: readString(map, 'position') ?? '' });
  });
  return siblings.sort(compareOrdered);
}

/**
 * Where a card goes in `status`: just before `beforeId`, else just after `afterId`, else at the
 * end (`excludeId` is the card itself). Columns hold thousands of cards, so the usual case
 * finds the two neighbours in one pass without sorting; only a tie or a malformed key falls
 * back to sorting the column and re-keying (`placeAt`). Archived cards count as siblings, so
 * a restored card comes back where it was.
 */
function placeInColumn(
  doc: Y.Doc,
  status: string,
  excludeId: string | null,
  beforeId?: string,
  afterId?: string
): Placement {
  const tasks = tasksOf(doc);
  const anchorId = beforeId ?? afterId;
  let lower: Ordered | null = null;
  let upper: Ordered | null = null;
  if (anchorId !== undefined) {
    const anchor = entry(tasks, anchorId);
    if (anchor === null) {
      throw new DomainError('invalid_input', `task ${JSON.stringify(anchorId)} does not exist`);
    }
    if (anchor.get('status') !== status) {
      const where = `${JSON.stringify(anchorId)} is not in column ${JSON.stringify(status)}`;
      throw new DomainError('conflict', `task ${where}`);
    }
    const ordered = { id: anchorId, position: readString(anchor, 'position') ?? '' };
    if (beforeId !== undefined) upper = ordered;
    else lower = ordered;
  }
  tasks.forEach((value, id) => {
    if (id === excludeId || id === anchorId || !(value instanceof Y.Map)) return;
    const map = value as FieldMap;
    if (map.get('status') !== status) return;
    const item = { id, position: readString(map, 'position') ?? '' };
    if (beforeId !== undefined) {
      // Closest sibling below the anchor.
      if (upper !== null && compareOrdered(item, upper) < 0) {
        if (lower === null || compareOrdered(item, lower) > 0) lower = item;
      }
    } else if (afterId !== undefined) {
      // Closest sibling above the anchor.
      if (lower !== null && compareOrdered(item, lower) > 0) {
        if (upper === null || compareOrdered(item, upper) < 0) upper = item;
      }
    } else if (lower === null || compareOrdered(item, lower) > 0) {
      lower = item;
    }
  });
  const low: string | null = lower?.position ?? null;
  const high: string | null = upper?.position ?? null;
  const roomy =
    (low === null || isValidKey(low)) &&
    (high === null || isValidKey(high)) &&
    (low === null || high === null || low < high);
  if (roomy) return { position: generateKeyBetween(low, high), rekeyed: [] };
  const siblings = columnSiblings(doc, status, excludeId);
  const index = targetIndex(siblings, beforeId, afterId, (missing) => {
    return new DomainError('conflict', `task ${JSON.stringify(missing)} vanished`);
  });
  return placeAt(siblings, index);
}

// ---------------------------------------------------------------------------------------------
// Tasks: writing

function linkKey(link: { type: string; target: string }): string {
  return `${link.type}:${link.target}`;
}

function dedupeLinks(links: readonly TaskLinkInput[], now: string): Map<string, TaskLink> {
  const byKey = new Map<string, TaskLink>();
  for (const link of links) {
    byKey.set(linkKey(link), {
      type: link.type,
      target: link.target,
      addedAt: link.addedAt ?? now
    });
  }
  return byKey;
}

/**
 * Writes a status change and its lifecycle timestamps. `status`, `position` and `doneAt` are
 * written even when unchanged: two replicas moving the same card from the same state then
 * write the same keys, Yjs resolves each key the same way (by client id), and `doneAt` stays
 * consistent with `status` instead of mixing one replica's status with the other's doneAt.
 */
function writeMove(
  doc: Y.Doc,
  map: FieldMap,
  kind: Task['kind'],
  status: string,
  category: ColumnCategory,
  placement: Placement,
  now: string
): void {
  const previousCategory = categoryOf(doc, readString(map, 'status'));
  map.set('status', status);
  map.set('position', placement.position);
  writePositions(tasksOf(doc), placement.rekeyed);
  if (category === 'in_progress' && readString(map, 'startedAt') === null) {
    map.set('startedAt', now);
  }
  if (category === 'done') {
    const doneAt = readString(map, 'doneAt');
    map.set('doneAt', previousCategory === 'done' && doneAt !== null ? doneAt : now);
    // The first completion of an incident or a plain task: throughput counts a task once, then
    // (reports and runboard_tasks_done_total alike), however often it leaves done and returns.
    if ((kind === 'incident' || kind === 'task') && readString(map, 'resolvedAt') === null) {
      map.set('resolvedAt', now);
    }
  } else {
    map.set('doneAt', null);
  }
}

function categoryOf(doc: Y.Doc, columnId: string | null): ColumnCategory | null {
  if (columnId === null) return null;
  const map = entry(columnsOf(doc), columnId);
  return map === null ? null : readColumn(map, columnId).category;
}

/** Creates a task (at the end of its column) and returns it. */
export function createTask(
  doc: Y.Doc,
  input: TaskCreateInput,
  options: CreateTaskOptions = {}
): Task {
  const data = parse(taskCreateSchema, input, 'task');
  const id = options.id === undefined ? generateId() : parse(idSchema, options.id, 'task id');
  const now = isoNow(options.now);
  const actor = parseActor(options.actor);
  const tasks = tasksOf(doc);
  if (tasks.has(id)) throw new DomainError('conflict', `task ${JSON.stringify(id)} already exists`);
  let status = data.status;
  if (status === undefined) {
    const columns = listColumns(doc);
    const first = columns.find((c) => c.category === 'todo') ?? columns[0];
    if (first === undefined) throw new DomainError('conflict', 'the board has no columns');
    status = first.id;
  }
  const column = readColumn(referencedColumn(doc, status), status);
  const labels = [...new Set(data.labels ?? [])];
  requireLabelsExist(doc, labels, new Set());
  const links = dedupeLinks(data.links ?? [], now);
  const kind = data.kind ?? 'task';
  const placement = placeInColumn(doc, status, null);

  doc.transact(() => {
    const map = new Y.Map<unknown>();
    tasks.set(id, map);
    map.set('id', id);
    map.set('key', null);
    map.set('title', data.title);
    // The content lives in the task's own document (task-doc.ts). A description given here
    // is written into the entry, the old layout, and the server moves it there.
    if (data.description !== undefined && data.description !== '') {
      map.set(DESCRIPTION_KEY, newDescriptionText(data.description));
    }
    map.set('kind', kind);
    map.set('status', status);
    map.set('position', placement.position);
    writePositions(tasks, placement.rekeyed);
    map.set('assignee', data.assignee ?? null);
    map.set('priority', data.priority ?? 'none');
    const labelSet = new Y.Map<unknown>();
    map.set('labels', labelSet);
    for (const label of labels) labelSet.set(label, true);
    map.set('dueAt', data.dueAt ?? null);
    map.set('estimateMinutes', data.estimateMinutes ?? null);
    map.set('progress', data.progress ?? 0);
    map.set('createdAt', now);
    map.set('createdBy', actor);
    map.set('updatedAt', now);
    map.set('startedAt', column.category === 'todo' ? null : now);
    map.set('acknowledgedAt', null);
    map.set(
      'resolvedAt',
      column.category === 'done' && (kind === 'incident' || kind === 'task') ? now : null
    );
    map.set('doneAt', column.category === 'done' ? now : null);
    map.set('archivedAt', null);
    const linkSet = new Y.Map<unknown>();
    map.set('links', linkSet);
    for (const [key, link] of links) linkSet.set(key, link);
  }, options.origin);
  return readTask(requireTask(doc, id), id);
}

/** A patch checked against one task, ready to be written (see `writeUpdate`). */
interface UpdatePlan {
  id: string;
  map: FieldMap;
  data: TaskPatch;
}

/**
 * Checks a parsed patch against task `id` without writing: the task exists, a new status is
 * an existing column, new labels exist (a label the task already carries may be kept even if
 * it was deleted from the board).
 */
function planUpdate(doc: Y.Doc, id: string, data: TaskPatch): UpdatePlan {
  const map = requireTask(doc, id);
  if (data.status !== undefined && data.status !== readString(map, 'status')) {
    referencedColumn(doc, data.status);
  }
  if (data.labels !== undefined) requireLabelsExist(doc, data.labels, new Set(readLabelIds(map)));
  return { id, map, data };
}

/** The scalar fields a patch may set, compared one by one so only real changes are written. */
export const SCALAR_FIELDS = [
  'title',
  'kind',
  'assignee',
  'priority',
  'dueAt',
  'estimateMinutes',
  'progress'
] as const;

/**
 * Writes a planned patch, touching `updatedAt` when anything changed. Call inside a
 * transaction: the status move reads the column as it is at that point, so several tasks
 * moved in one transaction (bulk edit) each get their own place at the end.
 */
function writeUpdate(doc: Y.Doc, plan: UpdatePlan, now: string): void {
  const { id, map, data } = plan;
  const current = readTask(map, id);
  const kind = data.kind ?? current.kind;
  let changed = false;

  for (const field of SCALAR_FIELDS) {
    const value = data[field];
    if (value !== undefined && setIfChanged(map, field, value)) changed = true;
  }
  if (data.description !== undefined && writeDescription(map, data.description)) changed = true;
  if (data.labels !== undefined && writeLabelSet(map, data.labels)) changed = true;
  if (data.links !== undefined && writeLinkSet(map, dedupeLinks(data.links, now))) changed = true;
  if (data.status !== undefined && data.status !== current.status) {
    const column = getColumn(doc, data.status);
    if (column !== null) {
      const placement = placeInColumn(doc, column.id, id);
      writeMove(doc, map, kind, column.id, column.category, placement, now);
      changed = true;
    }
  }
  if (data.archived !== undefined && data.archived !== (current.archivedAt !== null)) {
    map.set('archivedAt', data.archived ? now : null);
    changed = true;
  }
  if (changed) map.set('updatedAt', now);
}

/** Replaces a task's label set per key (so concurrent edits of other labels merge). */
function writeLabelSet(map: FieldMap, labels: readonly string[]): boolean {
  let set = map.get('labels');
  if (!(set instanceof Y.Map)) {
    set = new Y.Map<unknown>();
    map.set('labels', set);
  }
  const labelSet = set as Y.Map<unknown>;
  const wanted = new Set(labels);
  let changed = false;
  for (const key of [...labelSet.keys()]) {
    if (!wanted.has(key)) {
      labelSet.delete(key);
      changed = true;
    }
  }
  for (const key of wanted) {
    if (labelSet.get(key) !== true) {
      labelSet.set(key, true);
      changed = true;
    }
  }
  return changed;
}

/** Replaces a task's link set per key; links kept from before keep their addedAt. */
function writeLinkSet(map: FieldMap, links: ReadonlyMap<string, TaskLink>): boolean {
  let set = map.get('links');
  if (!(set instanceof Y.Map)) {
    set = new Y.Map<unknown>();
    map.set('links', set);
  }
  const linkSet = set as Y.Map<unknown>;
  let changed = false;
  for (const key of [...linkSet.keys()]) {
    if (!links.has(key)) {
      linkSet.delete(key);
      changed = true;
    }
  }
  for (const [key, link] of links) {
    if (!linkSet.has(key)) {
      linkSet.set(key, link);
      changed = true;
    }
  }
  return changed;
}

/**
 * Applies a patch. A status change moves the card to the end of that column (with lifecycle
 * timestamps, as `moveTask`); `archived` sets or clears archivedAt; `labels` and `links`
 * replace their sets, applied per key so concurrent edits of other keys merge; `description`
 * is applied as a minimal text diff. Each changed field is recorded in the activity log.
 */
export function updateTask(
  doc: Y.Doc,
  id: string,
  patch: TaskPatchInput,
  options: TaskMutationOptions = {}
): Task {
  const data = parse(taskPatchSchema, patch, 'task patch');
  const plan = planUpdate(doc, id, data);
  const now = isoNow(options.now);
  parseActor(options.actor); // checked, as every mutation's actor: the server records who
  doc.transact(() => writeUpdate(doc, plan, now), options.origin);
  return readTask(plan.map, id);
}

/**
 * Applies one patch to several tasks, all or nothing: every id and the patch are checked
 * before anything is written (unknown ids are `invalid_input`, listed in `details.missing`),
 * then all tasks change in one transaction. Returns the tasks in the order of `ids`.
 */
export function updateTasks(
  doc: Y.Doc,
  ids: string[],
  patch: TaskPatchInput,
  options: TaskMutationOptions = {}
): Task[] {
  const idList = parse(bulkTaskPatchSchema.shape.ids, ids, 'task ids');
  const data = parse(taskPatchSchema, patch, 'task patch');
  const tasks = tasksOf(doc);
  const missing = idList.filter((id) => entry(tasks, id) === null);
  if (missing.length > 0) {
    throw new DomainError('invalid_input', `unknown task(s): ${missing.join(', ')}`, {
      details: { missing }
    });
  }
  const plans = idList.map((id) => planUpdate(doc, id, data));
  const now = isoNow(options.now);
  parseActor(options.actor);
  doc.transact(() => {
    for (const plan of plans) writeUpdate(doc, plan, now);
  }, options.origin);
  return plans.map((plan) => readTask(plan.map, plan.id));
}

/**
 * Replaces a task's description by the minimal diff on its Y.Text, so a concurrent edit at
 * another place of the text survives. `taskDoc` is the task's document (`<ws>.task.<id>`).
 */
export function setTaskDescription(
  taskDoc: Y.Doc,
  text: string,
  options: TaskMutationOptions = {}
): void {
  const value = parse(taskDescriptionSchema, text, 'description');
  const map = taskContentOf(taskDoc);
  const now = isoNow(options.now);
  parseActor(options.actor);
  if (readDescription(map) === value && map.get(DESCRIPTION_KEY) instanceof Y.Text) return;
  taskDoc.transact(() => {
    if (!writeDescription(map, value)) return;
    map.set('updatedAt', now);
  }, options.origin);
}

/**
 * Moves a card into `status`, just before `beforeId` or just after `afterId` (when `beforeId`
 * is absent), or to the end of the column. Entering an in-progress column sets startedAt if
 * unset; entering a done column sets doneAt (and resolvedAt of an incident if unset); leaving
 * done clears doneAt.
 */
export function moveTask(
  doc: Y.Doc,
  id: string,
  target: MoveTarget,
  options: TaskMutationOptions = {}
): Task {
  const data = parse(moveTargetSchema, target, 'move');
  const map = requireTask(doc, id);
  const now = isoNow(options.now);
  parseActor(options.actor);
  if (data.beforeId === id || data.afterId === id) {
    throw new DomainError('invalid_input', 'a task cannot be placed next to itself');
  }
  const column = readColumn(referencedColumn(doc, data.status), data.status);
  const placement = placeInColumn(doc, data.status, id, data.beforeId, data.afterId);
  const before = readTask(map, id);
  doc.transact(() => {
    writeMove(doc, map, before.kind, column.id, column.category, placement, now);
    map.set('updatedAt', now);
  }, options.origin);
  return readTask(map, id);
}

/** Marks an incident acknowledged (sets acknowledgedAt if unset). */
export function acknowledgeIncident(
  doc: Y.Doc,
  id: string,
  options: TaskMutationOptions = {}
): Task {
  const map = requireTask(doc, id);
  const now = isoNow(options.now);
  parseActor(options.actor);
  const task = readTask(map, id);
  if (task.kind !== 'incident') {
    throw new DomainError('conflict', `task ${JSON.stringify(id)} is not an incident`);
  }
  if (task.acknowledgedAt !== null) return task;
  doc.transact(() => {
    map.set('acknowledgedAt', now);
    map.set('updatedAt', now);
  }, options.origin);
  return readTask(map, id);
}

/** Archives a task (no-op when already archived). */
export function archiveTask(doc: Y.Doc, id: string, options: TaskMutationOptions = {}): Task {
  requireTask(doc, id);
  return updateTask(doc, id, { archived: true }, options);
}

/** Restores an archived task (no-op when not archived). */
export function unarchiveTask(doc: Y.Doc, id: string, options: TaskMutationOptions = {}): Task {
  requireTask(doc, id);
  return updateTask(doc, id, { archived: false }, options);
}

// ---------------------------------------------------------------------------------------------
// Observing

/** Options of `observeTasks`. */
export interface ObserveTasksOptions {
  /** Report archived tasks in `removed` (unread) instead of `upserted`. */
  openOnly?: boolean;
}

/**
 * Calls `callback` after every transaction that changed tasks, with the changed tasks re-read
 * (only those, never the whole board) and the ids of deleted entries. Returns the unsubscribe
 * function. Does not call back for the current state: read `listTasks` first.
 */
export function observeTasks(
  doc: Y.Doc,
  callback: (changes: TaskChanges) => void,
  options: ObserveTasksOptions = {}
): () => void {
  const tasks = tasksOf(doc);
  const handler = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void => {
    const touched = new Set<string>();
    for (const event of events) {
      if (event.target === tasks) {
        // Entries of the tasks map itself were added, replaced or deleted.
        for (const key of event.changes.keys.keys()) touched.add(key);
      } else {
        // A change inside a task (or its labels/links): the first path step is the task id.
        const first = event.path[0];
        if (typeof first === 'string') touched.add(first);
      }
    }
    const upserted: Task[] = [];
    const removed: string[] = [];
    for (const id of touched) {
      const map = entry(tasks, id);
      if (map === null) removed.push(id);
      // An archived task is reported as removed without reading it: half of a big board is
      // archived, and the board view would only drop it again.
      else if (options.openOnly === true && readString(map, 'archivedAt') !== null)
        removed.push(id);
      else upserted.push(readTask(map, id));
    }
    if (upserted.length > 0 || removed.length > 0) callback({ upserted, removed });
  };
  tasks.observeDeep(handler);
  return () => tasks.unobserveDeep(handler);
}

/**
 * Calls `callback` with the task's detail after every transaction that changed anything of
 * task `id` (its fields, description, checklist, comments or activity), and with null when
 * its entry is deleted; changes to other tasks do not call it. Returns the unsubscribe
 * function. Does not call back for the current state: read `getTaskDetail` first.
 */
export function observeTask(
  doc: Y.Doc,
  id: string,
  callback: (detail: TaskDetail | null) => void
): () => void {
  return observeTaskChanges(doc, id, () => callback(getTaskDetail(doc, id)));
}

/** Calls `changed` after every transaction that touched task `id`; reads nothing itself. */
function observeTaskChanges(doc: Y.Doc, id: string, changed: () => void): () => void {
  const tasks = tasksOf(doc);
  const handler = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void => {
    const touched = events.some((event) =>
      event.target === tasks ? event.changes.keys.has(id) : event.path[0] === id
    );
    if (touched) changed();
  };
  tasks.observeDeep(handler);
  return () => tasks.unobserveDeep(handler);
}

/**
 * Follows the task `keyOrId` names (id or human key, case-insensitive, as `findTask`; archived
 * ones included): `changed(id)` runs at once and after every change to the task, and the
 * caller reads what it needs. A task not in the document yet (first sync still running) is
 * followed from when it arrives. Followed by id once found, so a page opened by id keeps
 * working when the server assigns the key, and one opened by key keeps its task if the key
 * changes. Returns the unsubscribe function.
 */
export function followTask(doc: Y.Doc, keyOrId: string, changed: (id: string) => void): () => void {
  let stop: () => void = () => {};
  const follow = (id: string): void => {
    // Subscribe, then read: both synchronous, so no change falls in between.
    stop = observeTaskChanges(doc, id, () => changed(id));
    changed(id);
  };
  const found = findTask(doc, keyOrId);
  if (found !== null) {
    follow(found.id);
  } else {
    // Not here yet: watch the tasks that change until one matches, then follow it alone.
    stop = observeTasks(doc, ({ upserted }) => {
      const match = upserted.find((task) => isTaskRef(task, keyOrId));
      if (match === undefined) return;
      stop();
      follow(match.id);
    });
  }
  return () => stop();
}

// ---------------------------------------------------------------------------------------------
// Human task keys

/**
 * Ids of tasks that have no human key yet, oldest first; only among `ids` when given (so a
 * caller that knows which tasks were just added does not scan a 10,000-task board). Clients
 * create tasks without a key (also offline, on several devices at once); the server numbers
 * them, so keys are unique per workspace however the creations interleave.
 */
export function tasksWithoutKey(doc: Y.Doc, ids?: Iterable<string>): string[] {
  const tasks = tasksOf(doc);
  const pending: { id: string; createdAt: string }[] = [];
  const consider = (id: string) => {
    const map = entry(tasks, id);
    if (!map || typeof map.get('key') === 'string') return;
    pending.push({ id, createdAt: readString(map, 'createdAt') ?? '' });
  };
  if (ids) for (const id of ids) consider(id);
  else tasks.forEach((_, id) => consider(id));
  pending.sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1
  );
  return pending.map((p) => p.id);
}

/**
 * Sets a task's human key (`<prefix>-<number>`) unless it already has one; returns whether it
 * was set. Only the server calls this, with numbers from its per-workspace counter.
 */
export function assignTaskKey(doc: Y.Doc, id: string, number: number, origin?: unknown): boolean {
  const map = entry(tasksOf(doc), id);
  if (!map || typeof map.get('key') === 'string') return false;
  const key = `${readBoardMeta(doc).keyPrefix}-${number}`;
  doc.transact(() => {
    map.set('key', key);
  }, origin);
  return true;
}
