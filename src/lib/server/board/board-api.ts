/**
 * REST operations on the tasks of a workspace board (`/api/v1/workspaces/{ws}/tasks…`): tasks,
 * their detail (checklist, comments, activity), comments, checklist items and bulk edits.
 * Every write goes through `DocStore.transact` on the board document, the same room websocket
 * clients are connected to, so a REST edit is applied, stored and broadcast like any client's
 * edit, with the caller's member id as the actor of the change. A task's description,
 * checklist and comments live in its own document (`<ws>.task.<id>`, task-doc.ts): those
 * reads and writes go to it the same way, with the same paths and shapes as before.
 */
import type * as Y from 'yjs';
import { z } from 'zod';
import { ApiError } from '$lib/server/api/errors';
import { API_BASE_PATH } from '$lib/server/api/openapi';
import {
  SMALL_LIST_LIMITS,
  pageHeaders,
  pageReply,
  pageQuery,
  pageResponse
} from '$lib/server/api/list-page';
import { defineOperation, queryBoolean, type Operation } from '$lib/server/api/operation';
import { defineRawOperation } from '$lib/server/api/raw-operation';
import type { MemberContext } from '$lib/server/api/request-context';
import type { Runtime } from '$lib/server/runtime';
import { rebaseBoard } from './board-rebase';
import { cardWithoutLoad } from './card-mirror';
import {
  addChecklistItem,
  addComment,
  deleteComment,
  editComment,
  findTask,
  getTask,
  getTaskDetail,
  listColumns,
  listLabels,
  listTasks,
  removeChecklistItem,
  readTaskContent,
  resolveTaskIds,
  setTaskDescription,
  taskContentOf,
  updateChecklistItem,
  updateTask,
  updateTasks
} from '$lib/shared/board/board-model';
import type { Task } from '$lib/shared/board/schema';
import {
  ID_PATTERN,
  MAX_ACTIVITY_ENTRIES,
  activityEntrySchema,
  bulkTaskPatchSchema,
  checklistItemCreateSchema,
  checklistItemPatchSchema,
  checklistItemSchema,
  columnCategorySchema,
  columnSchema,
  commentInputSchema,
  commentSchema,
  idSchema,
  labelSchema,
  taskCreateSchema,
  taskDetailSchema,
  taskFilterSchema,
  taskPatchSchema,
  taskSchema
} from '$lib/shared/board/schema';
import { boardDocName, taskDocName } from '$lib/shared/doc-name';
import { serverOrigin } from '../../../../sync-server/update-origin';
import { archivedTaskBody, taskLookupSchema } from '../archive/archive-api';

/** Default and largest page size of the task list. */
export const TASK_LIST_DEFAULT_LIMIT = 100;
export const TASK_LIST_MAX_LIMIT = 1000;

const TAGS = ['tasks'] as const;
const BOARD_TAGS = ['board'] as const;

// The workspace id is checked by `authorizeWorkspace` (400 `invalid_workspace`), not by the
// schema, so the pattern is only documented here.
const workspaceParam = z
  .string()
  .meta({ description: 'Workspace id.', pattern: ID_PATTERN.source, examples: ['acme'] });
// Any string: a task that cannot exist is simply not found (404). Every path that names a task
// takes its id or its human key, as deep links do (resolved by `resolveTask`).
const taskRefParam = z
  .string()
  .meta({ description: 'Task id, or its human key (e.g. OPS-12, case-insensitive).' });
const commentIdParam = z.string().meta({ description: 'Comment id.', pattern: ID_PATTERN.source });
const itemIdParam = z
  .string()
  .meta({ description: 'Checklist item id.', pattern: ID_PATTERN.source });

const workspaceParams = z.object({ ws: workspaceParam });
const taskRefParams = z.object({ ws: workspaceParam, id: taskRefParam });
const commentParams = z.object({ ws: workspaceParam, id: taskRefParam, commentId: commentIdParam });
const itemParams = z.object({ ws: workspaceParam, id: taskRefParam, itemId: itemIdParam });

const listQuery = taskFilterSchema
  .pick({ kind: true, status: true, label: true, q: true })
  .extend({
    assignee: z
      .union([idSchema, z.literal('')])
      .optional()
      .describe('Member id of the assignee; empty (`assignee=`) lists unassigned tasks.'),
    includeArchived: queryBoolean().optional().describe('Include archived tasks (default false).'),
    ...pageQuery({ defaultLimit: TASK_LIST_DEFAULT_LIMIT, maxLimit: TASK_LIST_MAX_LIMIT })
  })
  .strict();

const errorResponses = {
  invalid: {
    description: 'Invalid workspace id (`invalid_workspace`) or input (`invalid_input`).'
  },
  notFoundPart: {
    description: 'No task with this id or key, or no such comment or item in it (`not_found`).'
  },
  forbidden: { description: 'Only the author may change a comment (`forbidden`).' },
  tooLarge: { description: 'Body larger than 1 MiB (`payload_too_large`).' },
  mediaType: { description: 'Body is not `application/json` (`unsupported_media_type`).' }
} as const;

const bulkResultSchema = z
  .object({ tasks: z.array(taskSchema).describe('The changed tasks, in the order of `ids`.') })
  .meta({ id: 'TaskBulkResult', description: 'The tasks after a bulk edit.' });

const smallListQuery = z.object(pageQuery(SMALL_LIST_LIMITS));

// `kind` is the name DESIGN.md's contract gives the column's lifecycle stage; `category` is the
// board model's name for it. Both are sent so neither kind of script breaks.
const boardColumnSchema = columnSchema
  .extend({ kind: columnCategorySchema.describe('Lifecycle stage; the same as `category`.') })
  .meta({
    id: 'BoardColumn',
    description: 'A column of the board; its `id` is what tasks carry as `status`.'
  });

interface Board {
  runtime: Runtime;
  workspaceId: string;
  docName: string;
  actorId: string | null;
}

/** The workspace's board document, for a caller whose access the operation's `auth` checked. */
function boardOf(request: MemberContext): Board {
  return {
    runtime: request.runtime,
    workspaceId: request.workspaceId,
    docName: boardDocName(request.workspaceId),
    actorId: request.access.actorId
  };
}

/** The id of the task addressed by id or human key; 404 `not_found` when there is none. */
function resolveTask(doc: Y.Doc, ref: string): string {
  const id = resolveTaskIds(doc, [ref])[0];
  if (!id) throw new ApiError(404, 'not_found', `task ${JSON.stringify(ref)} not found`);
  return id;
}

/**
 * Runs a board change through the DocStore (a `forbidden` DomainError maps to 403 in errors.ts),
 * as a server change made for the caller: the task activity names them.
 */
async function writeBoard<T>(board: Board, fn: (doc: Y.Doc) => T): Promise<T> {
  const result = await board.runtime.docStore.transact(
    board.docName,
    fn,
    serverOrigin(board.actorId)
  );
  // Answered once the change's activity is written, so the caller can read it right away.
  await board.runtime.activityRecorder.settled(board.docName);
  return result;
}

/** 409 `task_archived` when `ref` names a task moved to the archive: un-archive it first. */
async function refuseArchived(request: MemberContext, ref: string): Promise<void> {
  const archived = await request.runtime.archive.find(request.workspaceId, ref);
  if (archived) {
    throw new ApiError(
      409,
      'task_archived',
      `task ${JSON.stringify(ref)} is in the archive; un-archive it first`
    );
  }
}

/** The id of the task addressed by `ref` on the caller's board; 404 when there is none. */
async function resolveTaskId(board: Board, ref: string): Promise<string> {
  return board.runtime.docStore.read(board.docName, (doc) => resolveTask(doc, ref));
}

/**
 * `resolveTaskId` for a read: a board nobody holds is not loaded to find an id (a deep link on
 * a new device waits for it); its mirrored card answers (card-mirror.ts).
 */
async function resolveTaskIdToRead(board: Board, ref: string): Promise<string> {
  const { runtime, workspaceId } = board;
  const card = await cardWithoutLoad(runtime.docStore, runtime.taskCards, workspaceId, ref);
  return card?.id ?? resolveTaskId(board, ref);
}

/**
 * Runs a change of task `ref`'s document (description, checklist, comments) as a server change
 * made for the caller; answers once its activity and the card's summary are written.
 */
async function writeTaskDoc<T>(
  board: Board,
  request: MemberContext,
  ref: string,
  fn: (taskDoc: Y.Doc) => T
): Promise<T> {
  const id = await resolveTaskId(board, ref);
  const name = taskDocName(request.workspaceId, id);
  const result = await board.runtime.docStore.transact(name, fn, serverOrigin(board.actorId));
  await board.runtime.activityRecorder.settled(name);
  await board.runtime.taskDocs.settled(request.workspaceId);
  return result;
}

/** `tasks` with the descriptions their task documents hold (read one document at a time). */
async function withDescriptions(
  runtime: Runtime,
  workspaceId: string,
  tasks: readonly Task[]
): Promise<Task[]> {
  const result: Task[] = [];
  for (const task of tasks) {
    const name = taskDocName(workspaceId, task.id);
    const loaded = runtime.docStore.isLoaded(name);
    const description = await runtime.docStore.read(
      name,
      (doc) => readTaskContent(taskContentOf(doc)).description
    );
    // A list of many tasks must not keep all their documents in memory.
    if (!loaded) runtime.docStore.unloadIfIdle(name);
    // An entry not moved yet holds the description itself.
    result.push(description === '' ? task : { ...task, description });
  }
  return result;
}

/** Path of a task in the REST API (for `Location`). */
export function taskUrl(ws: string, id: string): string {
  return `${API_BASE_PATH}/workspaces/${encodeURIComponent(ws)}/tasks/${encodeURIComponent(id)}`;
}

export const listTasksOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/tasks',
    operationId: 'listTasks',
    summary: 'List tasks',
    description:
      'Tasks of the board (incidents and change tasks included), in board order: by column, ' +
      'then position. All given filters must match. Archived tasks are left out unless ' +
      '`includeArchived=true`.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: listQuery,
    responses: {
      200: pageResponse('The page of matching tasks.', z.array(taskSchema)),
      400: errorResponses.invalid
    }
  },
  async ({ event, request, query }) => {
    const { runtime, docName } = boardOf(request);
    const { limit, offset, assignee, ...filter } = query;
    const tasks = await runtime.docStore.read(docName, (doc) =>
      listTasks(doc, {
        ...filter,
        ...(assignee === undefined ? {} : { assignee: assignee === '' ? null : assignee })
      })
    );
    // Descriptions live in the task documents: read for the page only.
    const page = await withDescriptions(
      runtime,
      request.workspaceId,
      tasks.slice(offset, offset + limit)
    );
    const filled = [...tasks];
    filled.splice(offset, page.length, ...page);
    return pageReply(filled, { limit, offset }, event.url);
  }
);

export const listColumnsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/columns',
    operationId: 'listColumns',
    summary: 'List board columns',
    description:
      'The columns of the board in board order. A column id is what a task carries as ' +
      '`status`: filter the task list by it and write it to move a task. Any member may read it.',
    tags: BOARD_TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: smallListQuery,
    responses: {
      200: pageResponse('The columns, in board order.', z.array(boardColumnSchema)),
      400: errorResponses.invalid
    }
  },
  async ({ event, request, query }) => {
    const { runtime, docName } = boardOf(request);
    const columns = await runtime.docStore.read(docName, (doc) =>
      listColumns(doc).map((column) => ({ ...column, kind: column.category }))
    );
    return pageReply(columns, query, event.url);
  }
);

export const listLabelsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/labels',
    operationId: 'listLabels',
    summary: 'List board labels',
    description:
      'The labels of the board, by name. A label id is what tasks carry in `labels` and what ' +
      'the task list filters by (`label=`). Any member may read it.',
    tags: BOARD_TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: smallListQuery,
    responses: {
      200: pageResponse('The labels, by name.', z.array(labelSchema)),
      400: errorResponses.invalid
    }
  },
  async ({ event, request, query }) => {
    const { runtime, docName } = boardOf(request);
    const labels = await runtime.docStore.read(docName, (doc) => listLabels(doc));
    return pageReply(labels, query, event.url);
  }
);

export const createTaskOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/tasks',
    operationId: 'createTask',
    summary: 'Create a task',
    description:
      'Creates a task at the end of its column (default: the first "todo" column). Connected ' +
      'clients see it at once.',
    tags: TAGS,
    auth: { member: 'write' },
    params: workspaceParams,
    body: taskCreateSchema,
    responses: {
      201: {
        description: 'The created task.',
        schema: taskSchema,
        headers: { Location: { description: 'URL of the new task.', schema: z.string() } }
      },
      400: {
        description:
          'Invalid workspace id, body, or a reference to a column or label that does not exist.'
      },
      413: { description: 'Body larger than 1 MiB (`payload_too_large`).' },
      415: { description: 'Body is not `application/json` (`unsupported_media_type`).' }
    }
  },
  async ({ request, params, body }) => {
    const { runtime, actorId } = boardOf(request);
    // Over REST the key is known at once.
    const task = await runtime.board.createTask(params.ws, body, actorId);
    return { status: 201, body: task, headers: { location: taskUrl(params.ws, task.id) } };
  }
);

export const getTaskOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/tasks/{id}',
    operationId: 'getTask',
    summary: 'Get a task',
    description: 'One task, addressed by its id or by its human key (`OPS-12`).',
    tags: TAGS,
    auth: { member: 'read' },
    params: taskRefParams,
    responses: {
      200: {
        description:
          'The task; one moved to the archive answers with `archived: true` (read-only).',
        schema: taskLookupSchema
      },
      400: errorResponses.invalid,
      404: { description: 'No task with this id or key, live or archived (`not_found`).' }
    }
  },
  async ({ request, params }) => {
    const { runtime, docName } = boardOf(request);
    // A board nobody holds is not loaded for one card (a deep link on a new device waits for it).
    const task =
      (await cardWithoutLoad(
        runtime.docStore,
        runtime.taskCards,
        request.workspaceId,
        params.id
      )) ?? (await runtime.docStore.read(docName, (doc) => findTask(doc, params.id)));
    if (task) {
      const [filled = task] = await withDescriptions(runtime, request.workspaceId, [task]);
      return { status: 200, body: filled };
    }
    // A live task wins; only then the archive (deep links to archived tasks keep working).
    const archived = await runtime.archive.find(request.workspaceId, params.id);
    if (!archived) {
      throw new ApiError(404, 'not_found', `task ${JSON.stringify(params.id)} not found`);
    }
    return { status: 200, body: archivedTaskBody(archived) };
  }
);

export const updateTaskOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/tasks/{id}',
    operationId: 'updateTask',
    summary: 'Change a task',
    description:
      'Applies the given fields to the task (by id or human key) as one edit of the board ' +
      'document, so connected ' +
      'clients see it at once and concurrent edits of other fields merge. A new `status` ' +
      'moves the card to the end of that column and records started/done/resolved times.',
    tags: TAGS,
    auth: { member: 'write' },
    params: taskRefParams,
    body: taskPatchSchema,
    responses: {
      200: { description: 'The task after the change.', schema: taskSchema },
      400: {
        description:
          'Invalid workspace id, body, or a reference to a column or label that does not exist.'
      },
      404: { description: 'No task with this id or key (`not_found`).' },
      409: {
        description:
          'The task is in the archive (`task_archived`): un-archive it first ' +
          '(`POST …/tasks/{id}/unarchive`).'
      },
      413: { description: 'Body larger than 1 MiB (`payload_too_large`).' },
      415: { description: 'Body is not `application/json` (`unsupported_media_type`).' }
    }
  },
  async ({ request, params, body }) => {
    const board = boardOf(request);
    const { description, ...cardPatch } = body;
    let task = await writeBoard(board, (doc) => {
      const id = resolveTaskIds(doc, [params.id])[0];
      return id ? updateTask(doc, id, cardPatch, { actor: board.actorId }) : null;
    });
    if (!task) {
      await refuseArchived(request, params.id);
      throw new ApiError(404, 'not_found', `task ${JSON.stringify(params.id)} not found`);
    }
    if (description !== undefined) {
      const id = task.id;
      await writeTaskDoc(board, request, id, (taskDoc) =>
        setTaskDescription(taskDoc, description, { actor: board.actorId })
      );
      // The card's updatedAt follows the description (written by the task document's extension).
      task = (await board.runtime.docStore.read(board.docName, (doc) => getTask(doc, id))) ?? task;
    }
    const [filled = task] = await withDescriptions(board.runtime, request.workspaceId, [task]);
    return { status: 200, body: filled };
  }
);

export const getTaskDetailOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/tasks/{id}/detail',
    operationId: 'getTaskDetail',
    summary: 'Get a task with checklist, comments and activity',
    description:
      'The task (by id or human key) with its checklist (in order), comments (oldest first) ' +
      'and activity log (oldest first, the newest 500 entries).',
    tags: TAGS,
    auth: { member: 'read' },
    params: taskRefParams,
    responses: {
      200: { description: 'The task and its parts.', schema: taskDetailSchema },
      400: errorResponses.invalid,
      404: errorResponses.notFoundPart
    }
  },
  async ({ request, params }) => {
    const { runtime, docName } = boardOf(request);
    const id = await runtime.docStore.read(docName, (doc) => resolveTask(doc, params.id));
    // The content comes from the task's document, the card from the board.
    const room = await runtime.docStore.acquire(taskDocName(request.workspaceId, id));
    let detail;
    try {
      detail = await runtime.docStore.read(docName, (doc) => getTaskDetail(doc, id, room.doc));
    } finally {
      runtime.docStore.release(room);
    }
    if (!detail) {
      throw new ApiError(404, 'not_found', `task ${JSON.stringify(params.id)} not found`);
    }
    // Activity is a server record, never read from the document.
    const rows = await runtime.taskActivity.latest(
      request.workspaceId,
      detail.id,
      MAX_ACTIVITY_ENTRIES
    );
    const activity = rows.map(({ id: _id, taskId: _taskId, ...entry }) => entry);
    return { status: 200, body: { ...detail, activity } };
  }
);

/** Default and largest page size of a task's activity. */
export const ACTIVITY_DEFAULT_LIMIT = 100;
export const ACTIVITY_MAX_LIMIT = 1000;
/** Most rows of one activity export. */
export const ACTIVITY_EXPORT_MAX_ROWS = 100_000;

const taskActivityEntrySchema = activityEntrySchema
  .extend({
    id: z.string().describe('Entry id.'),
    taskId: idSchema.describe('Id of the task.')
  })
  .meta({
    id: 'TaskActivityEntry',
    description:
      'One recorded change of a task: who (`by`, a member id; null for the server itself), ' +
      'what and when. Recorded by the server from the changes it applies; clients cannot ' +
      'write it.'
  });

export const listTaskActivityOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/tasks/{id}/activity',
    operationId: 'listTaskActivity',
    summary: "List a task's activity",
    description:
      'Who changed what on the task (by id or human key), and when, oldest first. Recorded by ' +
      'the server as it applies each change, from the websocket connection or the REST caller ' +
      'behind it. Paged like every list.',
    tags: TAGS,
    auth: { member: 'read' },
    params: taskRefParams,
    query: z
      .object(pageQuery({ defaultLimit: ACTIVITY_DEFAULT_LIMIT, maxLimit: ACTIVITY_MAX_LIMIT }))
      .strict(),
    responses: {
      200: pageResponse('The page of entries, oldest first.', z.array(taskActivityEntrySchema)),
      400: errorResponses.invalid,
      404: { description: 'No task with this id or key (`not_found`).' }
    }
  },
  async ({ event, request, params, query }) => {
    const board = boardOf(request);
    const taskId = await resolveTaskIdToRead(board, params.id);
    const { limit, offset } = query;
    const page = await board.runtime.taskActivity.page(request.workspaceId, taskId, {
      limit,
      offset
    });
    const end = offset + page.entries.length;
    const next = end < page.total && page.entries.length > 0 ? { offset: String(end) } : null;
    return {
      status: 200,
      body: page.entries,
      headers: pageHeaders(event.url, { total: page.total, next })
    };
  }
);

/** One CSV field (RFC 4180), with a leading `'` before what a spreadsheet would run as a formula. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const exportTaskActivityOperation = defineRawOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/tasks/{id}/activity/export',
    operationId: 'exportTaskActivity',
    summary: "Export a task's activity",
    description:
      `Downloads the task's activity as CSV (\`format=csv\`, UTF-8, oldest first, at most ` +
      `${ACTIVITY_EXPORT_MAX_ROWS} rows): at, by (member id), by_name, action, field, from, to.`,
    tags: TAGS,
    auth: { member: 'read' },
    params: taskRefParams,
    query: z
      .object({ format: z.enum(['csv']).default('csv').describe('csv (the default).') })
      .strict(),
    responses: {
      200: { description: 'The CSV file (text/csv attachment).' },
      400: errorResponses.invalid,
      404: { description: 'No task with this id or key (`not_found`).' }
    }
  },
  async ({ request, params }) => {
    const board = boardOf(request);
    const task = await board.runtime.docStore.read(board.docName, (doc) =>
      getTask(doc, resolveTask(doc, params.id))
    );
    if (!task) throw new ApiError(404, 'not_found', `task ${JSON.stringify(params.id)} not found`);
    const [page, members] = await Promise.all([
      board.runtime.taskActivity.page(request.workspaceId, task.id, {
        limit: ACTIVITY_EXPORT_MAX_ROWS,
        offset: 0
      }),
      board.runtime.accounts.listMembers(request.workspaceId)
    ]);
    const names = new Map(members.map((member) => [member.userId, member.name]));
    const lines = [['at', 'by', 'by_name', 'action', 'field', 'from', 'to'].join(',')];
    for (const entry of page.entries) {
      lines.push(
        [
          entry.at,
          entry.by,
          entry.by === null ? '' : (names.get(entry.by) ?? ''),
          entry.action,
          entry.field,
          entry.from,
          entry.to
        ]
          .map(csvField)
          .join(',')
      );
    }
    const name = (task.key ?? task.id).replace(/[^A-Za-z0-9._-]+/g, '-');
    // A byte order mark, so spreadsheets read the UTF-8 (names, Chinese text) as UTF-8.
    return new Response(`\uFEFF${lines.join('\r\n')}\r\n`, {
      status: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}-activity.csv"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff'
      }
    });
  }
);

export const bulkUpdateTasksOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/tasks/bulk',
    operationId: 'bulkUpdateTasks',
    summary: 'Change several tasks at once',
    description:
      'Applies one patch to every listed task in one edit of the board document, all or ' +
      'nothing: when an id is unknown or the patch is invalid for any task, no task changes ' +
      '(400 `invalid_input`, unknown ids in `details.missing`). `ids` may be task ids or human ' +
      'keys (`OPS-12`). Tasks moved to a column by ' +
      'status go to its end in the order of `ids`.',
    tags: TAGS,
    auth: { member: 'write' },
    params: workspaceParams,
    body: bulkTaskPatchSchema,
    responses: {
      200: { description: 'The changed tasks.', schema: bulkResultSchema },
      400: {
        description:
          'Invalid workspace id or body, an unknown task id, or a reference to a column or ' +
          'label that does not exist.'
      },
      413: errorResponses.tooLarge,
      415: errorResponses.mediaType
    }
  },
  async ({ request, body }) => {
    const board = boardOf(request);
    const { description, ...cardPatch } = body.patch;
    let tasks = await writeBoard(board, (doc) =>
      updateTasks(
        doc,
        // Keys become ids; an unknown reference stays as given, so `missing` names it.
        resolveTaskIds(doc, body.ids).map((id, i) => id ?? body.ids[i] ?? ''),
        cardPatch,
        { actor: board.actorId }
      )
    );
    if (description !== undefined) {
      for (const task of tasks) {
        await writeTaskDoc(board, request, task.id, (taskDoc) =>
          setTaskDescription(taskDoc, description, { actor: board.actorId })
        );
      }
      tasks = await board.runtime.docStore.read(board.docName, (doc) =>
        tasks.map((task) => getTask(doc, task.id) ?? task)
      );
    }
    tasks = await withDescriptions(board.runtime, request.workspaceId, tasks);
    return { status: 200, body: { tasks } };
  }
);

export const createCommentOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/tasks/{id}/comments',
    operationId: 'createComment',
    summary: 'Comment on a task',
    description: 'Adds a comment written by the caller; connected clients see it at once.',
    tags: TAGS,
    auth: { member: 'write' },
    params: taskRefParams,
    body: commentInputSchema,
    responses: {
      201: { description: 'The new comment.', schema: commentSchema },
      400: errorResponses.invalid,
      404: errorResponses.notFoundPart,
      413: errorResponses.tooLarge,
      415: errorResponses.mediaType
    }
  },
  async ({ request, params, body }) => {
    const board = boardOf(request);
    const comment = await writeTaskDoc(board, request, params.id, (doc) =>
      addComment(doc, body.body, { actor: board.actorId })
    );
    return { status: 201, body: comment };
  }
);

export const updateCommentOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/tasks/{id}/comments/{commentId}',
    operationId: 'updateComment',
    summary: 'Edit a comment',
    description: "Replaces the comment's text; only its author may.",
    tags: TAGS,
    auth: { member: 'write' },
    params: commentParams,
    body: commentInputSchema,
    responses: {
      200: { description: 'The comment after the edit.', schema: commentSchema },
      400: errorResponses.invalid,
      403: errorResponses.forbidden,
      404: errorResponses.notFoundPart,
      413: errorResponses.tooLarge,
      415: errorResponses.mediaType
    }
  },
  async ({ request, params, body }) => {
    const board = boardOf(request);
    const comment = await writeTaskDoc(board, request, params.id, (doc) =>
      editComment(doc, params.commentId, body.body, { actor: board.actorId })
    );
    return { status: 200, body: comment };
  }
);

export const deleteCommentOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/tasks/{id}/comments/{commentId}',
    operationId: 'deleteComment',
    summary: 'Delete a comment',
    description: 'Deletes the comment; only its author may.',
    tags: TAGS,
    auth: { member: 'write' },
    params: commentParams,
    responses: {
      204: { description: 'Deleted.' },
      400: errorResponses.invalid,
      403: errorResponses.forbidden,
      404: errorResponses.notFoundPart
    }
  },
  async ({ request, params }) => {
    const board = boardOf(request);
    await writeTaskDoc(board, request, params.id, (doc) =>
      deleteComment(doc, params.commentId, { actor: board.actorId })
    );
    return { status: 204, body: undefined };
  }
);

export const createChecklistItemOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/tasks/{id}/checklist',
    operationId: 'createChecklistItem',
    summary: 'Add a checklist item',
    description: "Adds an item at the end of the task's checklist (at most 500 items).",
    tags: TAGS,
    auth: { member: 'write' },
    params: taskRefParams,
    body: checklistItemCreateSchema,
    responses: {
      201: { description: 'The new item.', schema: checklistItemSchema },
      400: errorResponses.invalid,
      404: errorResponses.notFoundPart,
      409: { description: 'The checklist is full (`conflict`).' },
      413: errorResponses.tooLarge,
      415: errorResponses.mediaType
    }
  },
  async ({ request, params, body }) => {
    const board = boardOf(request);
    const item = await writeTaskDoc(board, request, params.id, (doc) =>
      addChecklistItem(doc, body.text, { actor: board.actorId })
    );
    return { status: 201, body: item };
  }
);

export const updateChecklistItemOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/tasks/{id}/checklist/{itemId}',
    operationId: 'updateChecklistItem',
    summary: 'Change a checklist item',
    description:
      'Changes the text and/or ticks the item off (`done: true` records the caller and the ' +
      'time) or clears it.',
    tags: TAGS,
    auth: { member: 'write' },
    params: itemParams,
    body: checklistItemPatchSchema,
    responses: {
      200: { description: 'The item after the change.', schema: checklistItemSchema },
      400: errorResponses.invalid,
      404: errorResponses.notFoundPart,
      413: errorResponses.tooLarge,
      415: errorResponses.mediaType
    }
  },
  async ({ request, params, body }) => {
    const board = boardOf(request);
    const item = await writeTaskDoc(board, request, params.id, (doc) =>
      updateChecklistItem(doc, params.itemId, body, { actor: board.actorId })
    );
    return { status: 200, body: item };
  }
);

export const deleteChecklistItemOperation = defineOperation(
  {
    method: 'DELETE',
    path: '/workspaces/{ws}/tasks/{id}/checklist/{itemId}',
    operationId: 'deleteChecklistItem',
    summary: 'Remove a checklist item',
    tags: TAGS,
    auth: { member: 'write' },
    params: itemParams,
    responses: {
      204: { description: 'Removed.' },
      400: errorResponses.invalid,
      404: errorResponses.notFoundPart
    }
  },
  async ({ request, params }) => {
    const board = boardOf(request);
    await writeTaskDoc(board, request, params.id, (doc) =>
      removeChecklistItem(doc, params.itemId, { actor: board.actorId })
    );
    return { status: 204, body: undefined };
  }
);

/** The task operations, for the registry. */
const compactResultSchema = z
  .object({
    generation: z.string().describe('Id of the new generation of the board document.'),
    bytesBefore: z.int().describe('Size of the board document before, in bytes.'),
    bytesAfter: z.int().describe('Size of the board document after, in bytes.'),
    ms: z.int().describe('How long the rebase took, in milliseconds.')
  })
  .meta({ id: 'BoardCompactResult', description: 'What compacting the board did.' });

export const compactBoardOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/board/compact',
    operationId: 'compactBoard',
    summary: 'Compact the board document',
    description:
      'Admins and owners only. Rebases the board document: a fresh document with the same ' +
      'columns, labels and tasks, and none of the history of deleted entries (tasks moved to ' +
      'the archive), so the board loads as fast as its content allows. Open pages save their ' +
      'unsynced changes, reload and re-apply them; edits sent meanwhile are kept.',
    tags: BOARD_TAGS,
    auth: { member: 'board.compact' },
    params: workspaceParams,
    responses: {
      200: { description: 'The board was compacted.', schema: compactResultSchema },
      400: errorResponses.invalid,
      503: {
        description:
          'Nothing was changed: with several nodes, the other nodes cannot be reached (`nodes_unreachable`), or one could not save the board (`storage_unavailable`).'
      }
    }
  },
  async ({ request }) => {
    const { runtime } = boardOf(request);
    const result = await rebaseBoard(runtime.docStore, request.workspaceId);
    return {
      status: 200,
      body: {
        generation: result.generation,
        bytesBefore: result.bytesBefore,
        bytesAfter: result.bytesAfter,
        ms: result.ms
      }
    };
  }
);

export const taskOperations: readonly Operation[] = [
  listColumnsOperation,
  listLabelsOperation,
  listTasksOperation,
  createTaskOperation,
  getTaskOperation,
  updateTaskOperation,
  getTaskDetailOperation,
  listTaskActivityOperation,
  exportTaskActivityOperation,
  bulkUpdateTasksOperation,
  createCommentOperation,
  updateCommentOperation,
  deleteCommentOperation,
  createChecklistItemOperation,
  updateChecklistItemOperation,
  deleteChecklistItemOperation,
  compactBoardOperation
];
