/**
 * REST operations on the tasks of a workspace board (`/api/v1/workspaces/{ws}/tasks…`). Every
 * write goes through `DocStore.transact` on the board document, the same room websocket clients
 * are connected to, so a REST edit is applied, stored and broadcast like any client's edit.
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
import {
  assignTaskKey,
  createTask,
  getTask,
  listTasks,
  updateTask
} from '$lib/shared/board/board-model';
import { createKeyCounter } from '$lib/server/board/task-keys';
import {
  ID_PATTERN,
  idSchema,
  taskCreateSchema,
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

const workspaceParams = z.object({ ws: workspaceParam });
const taskParams = z.object({ ws: workspaceParam, id: taskIdParam });

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
  notFound: { description: 'No task with this id (`not_found`).' }
} as const;

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
    tags: TAGS,
    params: taskParams,
    responses: {
      200: { description: 'The task.', schema: taskSchema },
      400: errorResponses.invalid,
      404: errorResponses.notFound
    }
  },
  async ({ event, params }) => {
    const { runtime, docName } = await boardFor(event, params.ws, 'read');
    const task = await runtime.docStore.read(docName, (doc) => getTask(doc, params.id));
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

/** The task operations, for the registry. */
export const taskOperations: readonly Operation[] = [
  listTasksOperation,
  createTaskOperation,
  getTaskOperation,
  updateTaskOperation
];
