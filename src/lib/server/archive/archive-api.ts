/**
 * REST operations on the task archive (archive-store.ts, archive-service.ts): finished tasks moved out of the live
 * board after `ARCHIVE_AFTER_DAYS`. `GET …/archive/tasks` lists and searches them; `POST
 * …/tasks/{id}/unarchive` brings a task back as a live card (an archived card still on the
 * board, or one moved to the archive). `GET …/tasks/{id}` falls back to the archive and
 * answers with `archived: true` (board-api.ts).
 */
import { z } from 'zod';
import { ApiError } from '$lib/server/api/errors';
import { pageHeaders, pageResponseHeaders } from '$lib/server/api/list-page';
import { defineOperation, queryInteger, type Operation } from '$lib/server/api/operation';
import { boardDocName } from '$lib/shared/doc-name';
import { workspaceParam, workspaceParams } from '../workspaces/workspaces-json';
import { idSchema, isoDateTimeSchema, taskKindSchema, taskSchema } from '$lib/shared/board/schema';
import {
  ARCHIVE_LIST_DEFAULT_LIMIT,
  ARCHIVE_LIST_MAX_LIMIT,
  type ArchivedTask
} from './archive-store';

const TAGS = ['tasks'] as const;

const taskRefParam = z
  .string()
  .meta({ description: 'Task id, or its human key (e.g. OPS-12, case-insensitive).' });

/** A task as the archive answers it: the card, marked archived, with when it moved. */
export const archivedTaskSchema = taskSchema
  .extend({
    archived: z.literal(true).describe('The task is in the archive, not on the live board.'),
    finishedAt: isoDateTimeSchema.describe('When it was finished (done, resolved or archived).'),
    movedAt: isoDateTimeSchema.describe('When it moved from the live board to the archive.')
  })
  .meta({
    id: 'ArchivedTask',
    description:
      'A finished task moved out of the live board: its card as it was (read-only until it ' +
      'is un-archived).'
  });

/** What `GET …/tasks/{id}` answers: a live task, or one from the archive (`archived: true`). */
export const taskLookupSchema = taskSchema
  .extend({
    archived: z
      .boolean()
      .optional()
      .describe('True when the task is in the archive (then read-only); absent for live tasks.'),
    finishedAt: isoDateTimeSchema.optional().describe('Archived tasks: when it was finished.'),
    movedAt: isoDateTimeSchema.optional().describe('Archived tasks: when it moved to the archive.')
  })
  .meta({
    id: 'TaskLookup',
    description:
      'A task on the live board, or (with `archived: true`) one moved to the archive, read-only.'
  });

/** The JSON of an archived task. */
export function archivedTaskBody(archived: ArchivedTask): z.output<typeof archivedTaskSchema> {
  return {
    ...archived.task,
    archived: true,
    finishedAt: archived.finishedAt,
    movedAt: archived.movedAt
  };
}

const archiveListQuery = z
  .object({
    q: z
      .string()
      .max(200)
      .optional()
      .describe('Words of the key or title; every word must match (as a prefix).'),
    kind: taskKindSchema.optional(),
    status: idSchema.optional().describe('Column id the task was in.'),
    assignee: z
      .union([idSchema, z.literal('')])
      .optional()
      .describe('Member id of the assignee; empty (`assignee=`) lists unassigned tasks.'),
    label: idSchema.optional().describe('Label id the task must carry.'),
    from: isoDateTimeSchema.optional().describe('Finished at or after this time.'),
    to: isoDateTimeSchema.optional().describe('Finished before this time.'),
    cursor: z
      .string()
      .max(500)
      .optional()
      .describe('`nextCursor` of the previous page; absent for the first page.'),
    limit: queryInteger(1, ARCHIVE_LIST_MAX_LIMIT)
      .default(ARCHIVE_LIST_DEFAULT_LIMIT)
      .describe(
        `Most items to return, 1–${ARCHIVE_LIST_MAX_LIMIT} (default ${ARCHIVE_LIST_DEFAULT_LIMIT}).`
      )
  })
  .strict();

const archivePageSchema = z
  .object({
    items: z.array(archivedTaskSchema).describe('Most recently finished first.'),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` for the next page; null on the last page.'),
    total: z.int().min(0).describe('Matching archived tasks in all pages.')
  })
  .meta({ id: 'ArchivePage', description: 'A page of the task archive.' });

export const listArchivedTasksOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/archive/tasks',
    operationId: 'listArchivedTasks',
    summary: 'List and search the task archive',
    description:
      'Finished tasks moved out of the live board (done, resolved or archived longer ago than ' +
      '`ARCHIVE_AFTER_DAYS`), most recently finished first, filtered and searched. Paged by ' +
      'cursor: the archive grows by thousands of tasks a year and pages stay stable while it ' +
      'does (unlike the offsets of the live lists).',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: archiveListQuery,
    responses: {
      200: {
        description:
          'The page of archived tasks. As every list, `X-Total-Count` and `Link` (the same ' +
          'query with the next `cursor`) are sent too.',
        schema: archivePageSchema,
        headers: pageResponseHeaders
      },
      400: { description: 'Invalid workspace id (`invalid_workspace`) or query (`invalid_input`).' }
    }
  },
  async ({ event, request, query }) => {
    const page = await request.runtime.archive.list(request.workspaceId, query);
    const next = page.nextCursor === null ? null : { cursor: page.nextCursor };
    return {
      status: 200,
      body: {
        items: page.items.map(archivedTaskBody),
        nextCursor: page.nextCursor,
        total: page.total
      },
      headers: pageHeaders(event.url, { total: page.total, next })
    };
  }
);

export const unarchiveTaskOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/tasks/{id}/unarchive',
    operationId: 'unarchiveTask',
    summary: 'Un-archive a task',
    description:
      'Brings a task (by id or human key) back to the live board: a task moved to the archive ' +
      'comes back as a live card with its id, key and fields, in its column (its activity is ' +
      'kept); an archived card still on the board is restored. Either way it is no longer ' +
      'archived. Un-archiving a live task that is not archived changes nothing.',
    tags: TAGS,
    auth: { member: 'write' },
    params: z.object({ ws: workspaceParam, id: taskRefParam }),
    responses: {
      200: { description: 'The task, live on the board.', schema: taskSchema },
      400: { description: 'Invalid workspace id (`invalid_workspace`).' },
      404: { description: 'No task with this id or key, live or archived (`not_found`).' }
    }
  },
  async ({ request, params }) => {
    const { runtime, workspaceId } = request;
    const task = await runtime.archiver.unarchiveTask(
      workspaceId,
      params.id,
      request.access.actorId
    );
    if (!task) throw new ApiError(404, 'not_found', `task ${JSON.stringify(params.id)} not found`);
    await runtime.activityRecorder.settled(boardDocName(workspaceId));
    return { status: 200, body: task };
  }
);

export const archiveOperations: readonly Operation[] = [
  listArchivedTasksOperation,
  unarchiveTaskOperation
];
