/**
 * REST operations of local AI (DESIGN.md §2 and §7, docs/ai.md).
 *
 * - `GET …/ai/similar` (`findSimilar`): the items most similar to a text. A ranked top-k, not a
 *   list: it is not paged (`limit` at most 50, no `offset`), because the ranking is recomputed
 *   for every query and a next page of weaker matches is not something a caller walks;
 *   the shape stays DESIGN.md's `[{ id, title, score }]`, with more fields beside them.
 * - `GET …/ai/last-time` (`getLastTime`): "last time this happened" for an incident's text.
 * - `GET …/ai/index` and `POST …/ai/index/rebuild` (admins): the index and its rebuild.
 * - `POST …/ai/ask` (`askQuestion`, docs/ai-ask.md): a question in Chinese or English compiled
 *   into a typed query (shared/ai/question.ts), run over the workspace's tasks, incidents and
 *   change tasks, live and archived (question-ask.ts), ranked by the index's similarity. A
 *   caller may send an edited `query` instead of a question (the page's chips do).
 *
 * The parts built on the index (prediction, questions, import) add their operations below,
 * each with its schemas next to it, and list them in `aiOperations`.
 */
import { z } from 'zod';
import { defineOperation, queryInteger, type Operation } from '$lib/server/api/operation';
import type { Runtime } from '$lib/server/runtime';
import { askQuerySchema, MAX_QUESTION_LENGTH, parseQuestion } from '$lib/shared/ai/question';
import { listColumns, listLabels, listTasks } from '$lib/shared/board/board-model';
import { boardDocName } from '$lib/shared/doc-name';
import { isTimeZone } from '$lib/shared/zoned-time';
import { workspaceParams } from '../workspaces/workspaces-json';
import {
  aiItemTypeSchema,
  indexStatusSchema,
  lastTimeSchema,
  rebuildProgressSchema,
  similarItemSchema
} from '$lib/shared/ai/schema';
import { itemUrl, SIMILAR_MAX_LIMIT } from './ai-service';
import {
  ASK_DEFAULT_LIMIT,
  ASK_MAX_LIMIT,
  askItems,
  combinedRanker,
  vocabularyOf,
  type AskSources
} from './question-ask';
import { modelQuery } from './question-model';
import { predictionSchema } from '$lib/shared/ai/prediction';

const TAGS = ['ai'] as const;

const invalid = {
  description: 'Invalid workspace id (`invalid_workspace`) or query (`invalid_input`).'
} as const;

/** Longest text searched for; longer texts are refused (a title and a description fit). */
export const MAX_SIMILAR_TEXT = 4_000;

const similarQuerySchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1)
      .max(MAX_SIMILAR_TEXT)
      .describe('The text to compare: a title, or a title and a description.'),
    limit: queryInteger(1, SIMILAR_MAX_LIMIT)
      .default(10)
      .describe(`Most items to return, 1–${SIMILAR_MAX_LIMIT} (default 10).`),
    exclude: z.string().max(200).optional().describe('Id of an item to leave out (its own page).'),
    type: z
      .string()
      .regex(/^(task|incident|runbook|ci)(,(task|incident|runbook|ci))*$/)
      .optional()
      .describe('Comma-separated item types to keep (`task,incident`); all when absent.')
  })
  .strict();

export const findSimilarOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/ai/similar',
    operationId: 'findSimilar',
    summary: 'Items similar to a text',
    description:
      'The tasks, incidents, runbooks and CIs of the workspace, archived ones included, most ' +
      'similar to `text`, best first, across Chinese and English (docs/ai.md). A ranked top-k, ' +
      'not a list: not paged; `limit` at most 50. An item scoring at least the index’s ' +
      '`duplicateThreshold` is a likely duplicate.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: similarQuerySchema,
    responses: {
      200: { description: 'Best first.', schema: z.array(similarItemSchema) },
      400: invalid
    }
  },
  async ({ request, query }) => ({
    status: 200,
    body: await request.runtime.ai.similar(request.workspaceId, {
      text: query.text,
      limit: query.limit,
      ...(query.exclude ? { exclude: query.exclude } : {}),
      ...(query.type ? { types: aiItemTypeSchema.array().parse(query.type.split(',')) } : {})
    })
  })
);

export const getLastTimeOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/ai/last-time',
    operationId: 'getLastTime',
    summary: 'Last time this happened',
    description:
      'The most similar incident resolved in the past (among the five most similar): who ' +
      'resolved it, how long it took and the runbooks linked to it; `null` when none is found.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: z
      .object({
        text: similarQuerySchema.shape.text,
        exclude: similarQuerySchema.shape.exclude
      })
      .strict(),
    responses: {
      200: { description: 'The incident, or null.', schema: lastTimeSchema },
      400: invalid
    }
  },
  async ({ request, query }) => ({
    status: 200,
    body: {
      lastTime: await request.runtime.ai.lastTime(request.workspaceId, query.text, query.exclude)
    }
  })
);

export const getAiIndexOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/ai/index',
    operationId: 'getAiIndex',
    summary: 'The AI index and its rebuild',
    description:
      'Admins and owners only. The embedder, the number of items indexed and the progress of ' +
      'the last rebuild (poll it while `rebuild.state` is `running`).',
    tags: TAGS,
    auth: { member: 'ai.manage' },
    params: workspaceParams,
    responses: { 200: { description: 'The index.', schema: indexStatusSchema } }
  },
  async ({ request }) => ({
    status: 200,
    body: await request.runtime.ai.status(request.workspaceId)
  })
);

export const rebuildAiIndexOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/ai/index/rebuild',
    operationId: 'rebuildAiIndex',
    summary: 'Rebuild the AI index',
    description:
      'Admins and owners only. Starts re-embedding every task, incident, runbook and CI of the ' +
      'workspace (a rebuild already running is left to finish) and answers at once; follow ' +
      'the progress with `GET …/ai/index`.',
    tags: TAGS,
    auth: { member: 'ai.manage' },
    params: workspaceParams,
    responses: { 202: { description: 'Started (or running).', schema: rebuildProgressSchema } }
  },
  ({ request }) =>
    Promise.resolve({
      status: 202 as const,
      body: request.runtime.ai.startRebuild(request.workspaceId)
    })
);

// ---------------------------------------------------------------------------------------------
// ai/ask (docs/ai-ask.md)

/** Most CMDB items whose names a question is matched against. */
const MAX_CI_NAMES = 5000;

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
  score: z.number().meta({
    description:
      'Match with the text, 0–1: the larger of the index’s similarity and the share of the ' +
      'text’s terms found in the item; 1 without text.'
  }),
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

/** The page of an item: incidents and tasks as the index links them, changes on their page. */
function askUrl(ws: string, kind: string, key: string | null, id: string): string {
  if (kind === 'change') {
    return `/w/${encodeURIComponent(ws)}/changes/${encodeURIComponent(key ?? id)}`;
  }
  return itemUrl(ws, { type: kind === 'incident' ? 'incident' : 'task', id, itemKey: key });
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
      limit: body.limit ?? ASK_DEFAULT_LIMIT,
      rank: combinedRanker((ws, text, ids) => runtime.ai.scoresOf(ws, text, ids))
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
          url: askUrl(workspaceId, task.kind, task.key, task.id)
        })),
        total: answer.total,
        parsedBy
      }
    };
  }
);

const MAX_PREDICT_DESCRIPTION = 10_000;

const predictBodySchema = z
  .object({
    title: z.string().trim().min(1).max(300).describe('Title of the new task or incident.'),
    description: z
      .string()
      .max(MAX_PREDICT_DESCRIPTION)
      .optional()
      .describe('Description, up to 10,000 characters.'),
    kind: z.enum(['task', 'incident', 'change']).optional().describe('Default `task`.'),
    labels: z
      .array(z.string().min(1).max(100))
      .max(50)
      .optional()
      .describe('Label ids, as on the board.'),
    priority: z.enum(['urgent', 'high', 'medium', 'low', 'none']).optional()
  })
  .strict();

export const predictWorkOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/ai/predict',
    operationId: 'predictWork',
    summary: 'Predict duration and suggest assignees',
    description:
      'For a new task or incident: the time to done (or to resolve) as p10/p50/p90 minutes, ' +
      'from similar finished work, the kind, priority and labels; and the top three people, ' +
      'from who finished similar work, their open work, who is on call and their role, each ' +
      'with a reason and a confidence. Nothing is changed. Models and their evaluation: ' +
      'docs/ai-models.md.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    body: predictBodySchema,
    responses: {
      200: { description: 'The prediction.', schema: predictionSchema },
      400: invalid
    }
  },
  async ({ request, body }) => ({
    status: 200,
    body: await request.runtime.ai.predict(request.workspaceId, body)
  })
);

export const aiOperations: readonly Operation[] = [
  findSimilarOperation,
  getLastTimeOperation,
  predictWorkOperation,
  askOperation,
  getAiIndexOperation,
  rebuildAiIndexOperation
];
