/**
 * REST operations of the local AI (DESIGN.md §7, docs/ai-ask.md). `ai/ask` compiles a question
 * in Chinese or English into a typed query (shared/ai/question.ts), runs it over the
 * workspace's tasks, incidents and change tasks, live and archived (question-ask.ts), and
 * answers with the query and the results. A caller may send an edited `query` instead of a
 * question (the page's chips do). Read-only; any member of the workspace.
 */
import { z } from 'zod';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import { listColumns, listLabels, listTasks } from '$lib/shared/board/board-model';
import { askQuerySchema, MAX_QUESTION_LENGTH, parseQuestion } from '$lib/shared/ai/question';
import { boardDocName } from '$lib/shared/doc-name';
import { workspaceParams } from '../workspaces/workspaces-json';
import type { Runtime } from '$lib/server/runtime';
import {
  ASK_DEFAULT_LIMIT,
  ASK_MAX_LIMIT,
  askItems,
  vocabularyOf,
  type AskSources
} from './question-ask';
import { modelQuery } from './question-model';

const TAGS = ['ai'] as const;

/** Most CMDB items whose names a question is matched against. */
const MAX_CI_NAMES = 5000;

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const askBodySchema = z
  .object({
    question: z
      .string()
      .trim()
      .min(1)
      .max(MAX_QUESTION_LENGTH)
      .optional()
      .meta({ description: 'The question, in Chinese or English.' }),
    query: askQuerySchema.optional().meta({
      description:
        'A query to run as is instead of compiling `question` (e.g. the answer’s query, edited).'
    }),
    timeZone: z
      .string()
      .max(64)
      .refine(isTimeZone, 'not a known IANA time zone')
      .optional()
      .meta({ description: 'IANA time zone of the asker: days and months start there (UTC).' }),
    limit: z
      .int()
      .min(1)
      .max(ASK_MAX_LIMIT)
      .optional()
      .meta({ description: `Most results, 1–${ASK_MAX_LIMIT} (default ${ASK_DEFAULT_LIMIT}).` })
  })
  .strict()
  .refine((b) => (b.question === undefined) !== (b.query === undefined), {
    message: 'send either `question` or `query`',
    path: ['question']
  })
  .meta({ id: 'AskRequest' });

const askResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  score: z.number().meta({ description: 'Similarity to the text, 0–1; 1 without text.' }),
  key: z.string().nullable(),
  type: z.enum(['task', 'incident', 'change']),
  state: z.enum(['todo', 'in_progress', 'done']),
  priority: z.enum(['urgent', 'high', 'medium', 'low', 'none']),
  assignee: z.string().nullable(),
  createdAt: z.string(),
  archived: z.boolean(),
  url: z.string().meta({ description: 'Deep link of the page of the item.' })
});

export const askAnswerSchema = z
  .object({
    query: askQuerySchema,
    results: z.array(askResultSchema).meta({ description: 'Best first.' }),
    total: z.int().min(0).meta({ description: 'Matching items before `limit`.' }),
    parsedBy: z.enum(['rules', 'model', 'query']).meta({
      description:
        '`rules`: the built-in compiler; `model`: the configured chat endpoint (the rules found ' +
        'only text); `query`: the query sent.'
    })
  })
  .meta({ id: 'AskAnswer' });

/** What a question reads, from the runtime. */
function sourcesOf(runtime: Runtime): AskSources {
  return {
    board: (ws) =>
      runtime.docStore.read(boardDocName(ws), (doc) => ({
        tasks: listTasks(doc, { includeArchived: true }),
        columns: listColumns(doc),
        labels: listLabels(doc)
      })),
    archivePage: (ws, query) => runtime.archive.list(ws, query),
    cis: async (ws) =>
      (await runtime.cmdbStore.list(ws, {}, { limit: MAX_CI_NAMES, offset: 0 })).items,
    members: (ws) => runtime.accounts.listMembers(ws)
  };
}

/** The page of an item: tasks, incidents and changes by key (or id). */
function itemUrl(ws: string, kind: string, ref: string): string {
  const section = kind === 'incident' ? 'incidents' : kind === 'change' ? 'changes' : 'tasks';
  return `/w/${encodeURIComponent(ws)}/${section}/${encodeURIComponent(ref)}`;
}

export const askOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/ai/ask',
    operationId: 'askQuestion',
    summary: 'Ask a question about the workspace’s work',
    description:
      'Compiles a question in Chinese or English (e.g. “上周未解决的高优先级数据库告警”, “incidents ' +
      'on db-01 last month resolved by Alice”) into a typed query — time range, status, ' +
      'priority, kind, labels, CIs, assignee and text — and runs it over the tasks, incidents ' +
      'and change tasks of the board and the archive. The query is data, never SQL. Results ' +
      'match every filter and are ranked by similarity to the text. Send `query` instead of ' +
      '`question` to run an edited query. docs/ai-ask.md.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    body: askBodySchema,
    responses: {
      200: { description: 'The query and the results.', schema: askAnswerSchema },
      400: { description: 'Invalid workspace id or body (`invalid_input`).' }
    }
  },
  async ({ request, body }) => {
    const { runtime, workspaceId } = request;
    const sources = sourcesOf(runtime);
    let query = body.query;
    let parsedBy: 'rules' | 'model' | 'query' = 'query';
    if (body.question !== undefined) {
      const parsed = parseQuestion(body.question, {
        now: Date.now(),
        timeZone: body.timeZone ?? 'UTC',
        vocabulary: await vocabularyOf(sources, workspaceId)
      });
      query = parsed.query;
      parsedBy = 'rules';
      // A question the rules found only text in may be read by the configured model.
      if (!parsed.structured && runtime.config.aiChat) {
        const fromModel = await modelQuery(runtime.config.aiChat, body.question, {
          now: Date.now(),
          timeZone: body.timeZone ?? 'UTC',
          logger: runtime.logger
        });
        if (fromModel) {
          query = fromModel;
          parsedBy = 'model';
        }
      }
    }
    const ask = query ?? {};
    const answer = await askItems(sources, workspaceId, ask, {
      actorId: request.access.actorId,
      limit: body.limit ?? ASK_DEFAULT_LIMIT
    });
    return {
      status: 200,
      body: {
        query: ask,
        results: answer.hits.map(({ task, archived, state, score }) => ({
          id: task.id,
          title: task.title,
          score: Math.round(score * 1000) / 1000,
          key: task.key,
          type: task.kind,
          state,
          priority: task.priority,
          assignee: task.assignee,
          createdAt: task.createdAt,
          archived,
          url: itemUrl(workspaceId, task.kind, task.key ?? task.id)
        })),
        total: answer.total,
        parsedBy
      }
    };
  }
);

export const aiOperations: readonly Operation[] = [askOperation];
