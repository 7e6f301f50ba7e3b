/**
 * REST operations on the tasks of a workspace board (`/api/v1/workspaces/{ws}/tasks…`): tasks,
 * their detail (checklist, comments, activity), comments, checklist items and bulk edits.
 * Every write goes through `DocStore.transact` on the board document, the same room websocket
 * clients are connected to, so a REST edit is applied, stored and broadcast like any client's
 * edit, with the caller's member id as the actor of the change.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { authorizeWorkspace, type WorkspaceAccessMode } from '$lib/server/api/authorize';
import { ApiError } from '$lib/server/api/errors';
import { API_BASE_PATH } from '$lib/server/api/openapi';
import {
  defineOperation,
  queryBoolean,
  queryInteger,
  type Operation
} from '$lib/server/api/operation';
import { getRuntime, type Runtime } from '$lib/server/runtime';
import type * as Y from 'yjs';
import {
  addChecklistItem,
  addComment,
  assignTaskKey,
  createTask,
  deleteComment,
  editComment,
  findTask,
  getTask,
  getTaskDetail,
  listTasks,
  removeChecklistItem,
  updateChecklistItem,
  updateTask,
  updateTasks
} from '$lib/shared/board/board-model';
import { createKeyCounter } from '$lib/server/board/task-keys';
import {
  ID_PATTERN,
  bulkTaskPatchSchema,
  checklistItemCreateSchema,
  checklistItemPatchSchema,
  checklistItemSchema,
  commentInputSchema,
  commentSchema,
  idSchema,
  taskCreateSchema,
  taskDetailSchema,
  taskFilterSchema,
  taskPatchSchema,
  taskSchema
} from '$lib/shared/board/schema';
import { boardDocName } from '$lib/shared/doc-name';

/** Default and largest page size of the task list. */
export const TASK_LIST_DEFAULT_LIMIT = 100;
export const TASK_LIST_MAX_LIMIT = 1000;

const TAGS = ['tasks'] as const;

// The workspace id is checked by `authorizeWorkspace` (400 `invalid_workspace`), not by the
// schema, so the pattern is only documented here.
const workspaceParam = z
  .string()
  .meta({ description: 'Workspace id.', pattern: ID_PATTERN.source, examples: ['acme'] });
// Any string: a task id that cannot exist is simply not found (404).
const taskIdParam = z.string().meta({ description: 'Task id.', pattern: ID_PATTERN.source });
// Reads and the detail sub-resources also take the human key, as deep links do.
const taskRefParam = z
  .string()
  .meta({ description: 'Task id, or its human key (e.g. OPS-12, case-insensitive).' });
const commentIdParam = z.string().meta({ description: 'Comment id.', pattern: ID_PATTERN.source });
const itemIdParam = z
  .string()
  .meta({ description: 'Checklist item id.', pattern: ID_PATTERN.source });

const workspaceParams = z.object({ ws: workspaceParam });
const taskParams = z.object({ ws: workspaceParam, id: taskIdParam });
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
    limit: queryInteger(1, TASK_LIST_MAX_LIMIT)
      .default(TASK_LIST_DEFAULT_LIMIT)
      .describe(`Most tasks to return (default ${TASK_LIST_DEFAULT_LIMIT}).`),
    offset: queryInteger(0, Number.MAX_SAFE_INTEGER)
      .default(0)
      .describe('Tasks to skip, for paging (default 0).')
  })
  .strict();

const errorResponses = {
  invalid: {
    description: 'Invalid workspace id (`invalid_workspace`) or input (`invalid_input`).'
  },
  notFound: { description: 'No task with this id (`not_found`).' },
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

const totalHeader = {
  description: 'Number of matching tasks before `limit` and `offset` apply.',
  schema: z.int().min(0)
};

interface Board {
  runtime: Runtime;
  docName: string;
  actorId: string | null;
}

/** Authorises the caller and addresses the workspace's board document. */
async function boardFor(
  event: RequestEvent,
  ws: string,
  mode: WorkspaceAccessMode
): Promise<Board> {
  const access = await authorizeWorkspace(event, ws, mode);
  return {
    runtime: await getRuntime(),
    docName: boardDocName(access.workspaceId),
    actorId: access.actorId
  };
}

/** The id of the task addressed by id or human key; 404 `not_found` when there is none. */
function resolveTask(doc: Y.Doc, ref: string): string {
  const task = findTask(doc, ref);
  if (!task) throw new ApiError(404, 'not_found', `task ${JSON.stringify(ref)} not found`);
  return task.id;
}

/**
 * Runs a board change through the DocStore. The board model says `forbidden` when the actor
 * may not change someone else's comment; that is a 403 like any permission refusal.
 */
async function writeBoard<T>(board: Board, fn: (doc: Y.Doc) => T): Promise<T> {
  try {
    return await board.runtime.docStore.transact(board.docName, fn);
  } catch (error) {
    if (
      error instanceof Error &&
      error.name === 'BoardError' &&
      (error as { code?: unknown }).code === 'forbidden'
    ) {
      throw new ApiError(403, 'forbidden', error.message);
    }
    throw error;
  }
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
    params: workspaceParams,
    query: listQuery,
    responses: {
      200: {
        description: 'The page of matching tasks.',
        schema: z.array(taskSchema),
        headers: { 'X-Total-Count': totalHeader }
      },
      400: errorResponses.invalid
    }
  },
  async ({ event, params, query }) => {
    const { runtime, docName } = await boardFor(event, params.ws, 'read');
    const { limit, offset, assignee, ...filter } = query;
    const tasks = await runtime.docStore.read(docName, (doc) =>
      listTasks(doc, {
        ...filter,
        ...(assignee === undefined ? {} : { assignee: assignee === '' ? null : assignee })
      })
    );
    return {
      status: 200,
      body: tasks.slice(offset, offset + limit),
      headers: { 'x-total-count': String(tasks.length) }
    };
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
  async ({ event, params, body }) => {
    const { runtime, docName, actorId } = await boardFor(event, params.ws, 'write');
    // Over REST the key is known at once: numbered in the same transaction as the creation.
    const nextNumber = createKeyCounter(runtime.db);
    const task = await runtime.docStore.transact(docName, (doc) => {
      const created = createTask(doc, body, { actor: actorId });
      assignTaskKey(doc, created.id, nextNumber(params.ws));
      return getTask(doc, created.id) ?? created;
    });
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
    params: taskRefParams,
    responses: {
      200: { description: 'The task.', schema: taskSchema },
      400: errorResponses.invalid,
      404: { description: 'No task with this id or key (`not_found`).' }
    }
  },
  async ({ event, params }) => {
    const { runtime, docName } = await boardFor(event, params.ws, 'read');
    const task = await runtime.docStore.read(docName, (doc) => findTask(doc, params.id));
    if (!task) throw new ApiError(404, 'not_found', `task ${JSON.stringify(params.id)} not found`);
    return { status: 200, body: task };
  }
);

export const updateTaskOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/tasks/{id}',
    operationId: 'updateTask',
    summary: 'Change a task',
    description:
      'Applies the given fields to the task as one edit of the board document, so connected ' +
      'clients see it at once and concurrent edits of other fields merge. A new `status` ' +
      'moves the card to the end of that column and records started/done/resolved times.',
    tags: TAGS,
    params: taskParams,
    body: taskPatchSchema,
    responses: {
      200: { description: 'The task after the change.', schema: taskSchema },
      400: {
        description:
          'Invalid workspace id, body, or a reference to a column or label that does not exist.'
      },
      404: errorResponses.notFound,
      413: { description: 'Body larger than 1 MiB (`payload_too_large`).' },
      415: { description: 'Body is not `application/json` (`unsupported_media_type`).' }
    }
  },
  async ({ event, params, body }) => {
    const { runtime, docName, actorId } = await boardFor(event, params.ws, 'write');
    const task = await runtime.docStore.transact(docName, (doc) =>
      updateTask(doc, params.id, body, { actor: actorId })
    );
    return { status: 200, body: task };
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
    params: taskRefParams,
    responses: {
      200: { description: 'The task and its parts.', schema: taskDetailSchema },
      400: errorResponses.invalid,
      404: errorResponses.notFoundPart
    }
  },
  async ({ event, params }) => {
    const { runtime, docName } = await boardFor(event, params.ws, 'read');
    const detail = await runtime.docStore.read(docName, (doc) => {
      const task = findTask(doc, params.id);
      return task ? getTaskDetail(doc, task.id) : null;
    });
    if (!detail) {
      throw new ApiError(404, 'not_found', `task ${JSON.stringify(params.id)} not found`);
    }
    return { status: 200, body: detail };
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
      '(400 `invalid_input`, unknown ids in `details.missing`). Tasks moved to a column by ' +
      'status go to its end in the order of `ids`.',
    tags: TAGS,
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
  async ({ event, params, body }) => {
    const board = await boardFor(event, params.ws, 'write');
    const tasks = await writeBoard(board, (doc) =>
      updateTasks(doc, body.ids, body.patch, { actor: board.actorId })
    );
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
  async ({ event, params, body }) => {
    const board = await boardFor(event, params.ws, 'write');
    const comment = await writeBoard(board, (doc) =>
      addComment(doc, resolveTask(doc, params.id), body.body, { actor: board.actorId })
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
  async ({ event, params, body }) => {
    const board = await boardFor(event, params.ws, 'write');
    const comment = await writeBoard(board, (doc) =>
      editComment(doc, resolveTask(doc, params.id), params.commentId, body.body, {
        actor: board.actorId
      })
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
    params: commentParams,
    responses: {
      204: { description: 'Deleted.' },
      400: errorResponses.invalid,
      403: errorResponses.forbidden,
      404: errorResponses.notFoundPart
    }
  },
  async ({ event, params }) => {
    const board = await boardFor(event, params.ws, 'write');
    await writeBoard(board, (doc) =>
      deleteComment(doc, resolveTask(doc, params.id), params.commentId, { actor: board.actorId })
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
  async ({ event, params, body }) => {
    const board = await boardFor(event, params.ws, 'write');
    const item = await writeBoard(board, (doc) =>
      addChecklistItem(doc, resolveTask(doc, params.id), body.text, { actor: board.actorId })
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
  async ({ event, params, body }) => {
    const board = await boardFor(event, params.ws, 'write');
    const item = await writeBoard(board, (doc) =>
      updateChecklistItem(doc, resolveTask(doc, params.id), params.itemId, body, {
        actor: board.actorId
      })
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
    params: itemParams,
    responses: {
      204: { description: 'Removed.' },
      400: errorResponses.invalid,
      404: errorResponses.notFoundPart
    }
  },
  async ({ event, params }) => {
    const board = await boardFor(event, params.ws, 'write');
    await writeBoard(board, (doc) =>
      removeChecklistItem(doc, resolveTask(doc, params.id), params.itemId, {
        actor: board.actorId
      })
    );
    return { status: 204, body: undefined };
  }
);

/** The task operations, for the registry. */
export const taskOperations: readonly Operation[] = [
  listTasksOperation,
  createTaskOperation,
  getTaskOperation,
  updateTaskOperation,
  getTaskDetailOperation,
  bulkUpdateTasksOperation,
  createCommentOperation,
  updateCommentOperation,
  deleteCommentOperation,
  createChecklistItemOperation,
  updateChecklistItemOperation,
  deleteChecklistItemOperation
];
