/**
 * REST operations of local AI (DESIGN.md §2 and §7, docs/ai.md).
 *
 * - `GET …/ai/similar` (`findSimilar`): the items most similar to a text. A ranked top-k, not a
 *   list: it is not paged (`limit` at most 50, no `offset`), because the ranking is recomputed
 *   for every query and a next page of weaker matches is not something a caller walks;
 *   the shape stays DESIGN.md's `[{ id, title, score }]`, with more fields beside them.
 * - `GET …/ai/last-time` (`getLastTime`): "last time this happened" for an incident's text.
 * - `GET …/ai/index` and `POST …/ai/index/rebuild` (admins): the index and its rebuild.
 * - `POST/GET …/ai/evaluation` (`startAiEvaluation`, `getAiEvaluation`; admins): the models
 *   evaluated on the workspace's own history (evaluation-runner.ts, docs/ai-models.md
 *   "Evaluate on your own data").
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
import {
  getTask,
  listColumns,
  listLabels,
  listTasks,
  sortTasks
} from '$lib/shared/board/board-model';
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
import {
  dueRiskOf,
  likelyFinish,
  PREDICTIONS_MAX_IDS,
  taskPredictionSchema,
  type TaskPredictionSummary
} from '$lib/shared/ai/board-prediction';
import type { Task } from '$lib/shared/board/schema';
import { ID_PATTERN } from '$lib/shared/doc-name';
import {
  anomalyEventSchema,
  anomalyNotifyPatchSchema,
  anomalyNotifySettingsSchema,
  anomalySeriesSchema,
  MAX_ANOMALY_GROUPS,
  MAX_ANOMALY_RANGE_DAYS
} from '$lib/shared/ai/anomaly';
import { isoDateTimeSchema } from '$lib/shared/board/schema';
import {
  offsetPage,
  pageQuery,
  pageResponse,
  pageResponseHeaders,
  storePageHeaders
} from '$lib/server/api/list-page';
import { evaluationProgressSchema, evaluationStatusSchema } from '$lib/shared/ai/evaluation';

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

// ---------------------------------------------------------------------------------------------
// Anomalies (docs/ai.md, "Anomalies"; anomalies/anomalies-service.ts)

const DAY_MS = 86_400_000;

const anomalyQuerySchema = z
  .object({
    from: isoDateTimeSchema.describe('Start of the range (inclusive): events that start in it.'),
    to: isoDateTimeSchema.describe(
      `End of the range (exclusive); at most ${MAX_ANOMALY_RANGE_DAYS} days after \`from\`.`
    ),
    series: anomalySeriesSchema
      .optional()
      .describe(
        '`alerts` (per service and label) or `tasks` (created, per label); both if absent.'
      ),
    service: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Only this service (alert groups; case-insensitive).'),
    label: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Only this board label (name or id).'),
    ...pageQuery({ defaultLimit: 100, maxLimit: 500 })
  })
  .strict()
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), {
    message: '`to` must be after `from`',
    path: ['to']
  })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= MAX_ANOMALY_RANGE_DAYS * DAY_MS, {
    message: `the range may cover at most ${MAX_ANOMALY_RANGE_DAYS} days`,
    path: ['to']
  });

export const listAnomaliesOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/ai/anomalies',
    operationId: 'listAnomalies',
    summary: 'Anomalies in alert and task rates',
    description:
      'Anomaly events that start in [`from`, `to`): runs of hours whose count of alerts (per ' +
      'service, and per board label of their incident) or of tasks created (per board label) ' +
      'is far above a robust seasonal baseline (median and MAD of the same hour on previous ' +
      'weeks and days, read from four weeks before `from`). Newest first. Only the ' +
      `${MAX_ANOMALY_GROUPS} busiest groups of each series and kind are checked; the headers ` +
      '`X-Anomaly-Groups-Total` and `X-Anomaly-Groups-Evaluated` say how many there were and ' +
      'how many were checked.',
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: anomalyQuerySchema,
    responses: {
      200: {
        description: 'The events, newest first.',
        schema: z.array(anomalyEventSchema),
        headers: {
          ...pageResponseHeaders,
          'X-Anomaly-Groups-Total': {
            description: 'Groups (series, kind and service or label) with counts in the range.',
            schema: z.int().min(0)
          },
          'X-Anomaly-Groups-Evaluated': {
            description: `Groups checked: the busiest ${MAX_ANOMALY_GROUPS} of each series and kind.`,
            schema: z.int().min(0)
          }
        }
      },
      400: invalid
    }
  },
  async ({ event, request, query }) => {
    const answer = await request.runtime.anomalies.events(request.workspaceId, {
      from: query.from,
      to: query.to,
      series: query.series,
      service: query.service,
      label: query.label
    });
    const page = offsetPage(answer.events, query, event.url);
    return {
      status: 200,
      body: page.body,
      headers: {
        ...page.headers,
        'x-anomaly-groups-total': String(answer.groups.total),
        'x-anomaly-groups-evaluated': String(answer.groups.evaluated)
      }
    };
  }
);

export const getAnomalySettingsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/ai/anomalies/settings',
    operationId: 'getAnomalySettings',
    summary: 'The anomaly message settings',
    description:
      'Admins and owners only. Whether a message goes to a channel when a new anomaly starts ' +
      '(off by default), the channel and the language of the message.',
    tags: TAGS,
    auth: { member: 'ai.manage' },
    params: workspaceParams,
    responses: { 200: { description: 'The settings.', schema: anomalyNotifySettingsSchema } }
  },
  async ({ event, request }) => ({
    status: 200,
    body: await request.runtime.anomalies.settings(request.workspaceId, event.locals.locale)
  })
);

export const updateAnomalySettingsOperation = defineOperation(
  {
    method: 'PATCH',
    path: '/workspaces/{ws}/ai/anomalies/settings',
    operationId: 'updateAnomalySettings',
    summary: 'Change the anomaly message settings',
    description:
      'Admins and owners only. Turning the message on needs a channel of the workspace; only ' +
      'anomalies that start after that are sent, each once.',
    tags: TAGS,
    auth: { member: 'ai.manage' },
    params: workspaceParams,
    body: anomalyNotifyPatchSchema,
    responses: {
      200: { description: 'The settings as changed.', schema: anomalyNotifySettingsSchema },
      400: { description: 'Invalid settings (`invalid_input`, with the field).' }
    }
  },
  async ({ event, request, body }) => ({
    status: 200,
    body: await request.runtime.anomalies.update(request.workspaceId, body, {
      actorId: request.access.actorId,
      locale: event.locals.locale
    })
  })
);

// ---------------------------------------------------------------------------------------------
// ai/predictions: the board's batch read of predicted durations and due-date risk

/** Whether `value` is a comma-separated list of 1 to PREDICTIONS_MAX_IDS task ids. */
function isIdList(value: string): boolean {
  const ids = value.split(',');
  return ids.length <= PREDICTIONS_MAX_IDS && ids.every((id) => ID_PATTERN.test(id));
}

const predictionsQuerySchema = z
  .object({
    ids: z
      .string()
      .max(PREDICTIONS_MAX_IDS * 65)
      .refine(isIdList, `1–${PREDICTIONS_MAX_IDS} comma-separated task ids`)
      .optional()
      .describe(
        `Comma-separated ids of the tasks to predict (at most ${PREDICTIONS_MAX_IDS}); without ` +
          'it, every open task of the board in board order, a page at a time.'
      ),
    ...pageQuery({ defaultLimit: PREDICTIONS_MAX_IDS, maxLimit: PREDICTIONS_MAX_IDS })
  })
  .strict();

/** Whether a board task is open work the board predicts: not done, resolved or archived. */
function isOpenWork(task: Task): boolean {
  return (
    task.archivedAt === null &&
    task.doneAt === null &&
    task.resolvedAt === null &&
    task.kind !== 'change'
  );
}

export const listTaskPredictionsOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/ai/predictions',
    operationId: 'listTaskPredictions',
    summary: 'Predicted durations and due-date risk of open tasks',
    description:
      'For open tasks and incidents of the board (not done, resolved, archived, nor change ' +
      'tasks): the time to done as p10/p50/p90 minutes, as `POST …/ai/predict` predicts it ' +
      'for the task’s title, description, kind, priority and labels, and the due-date risk: ' +
      '`late` when the likely finish (creation plus p50, never before now) is after the due ' +
      'date, `at_risk` when only creation plus p90 is. Tasks asked for that are not open, not ' +
      'found, or without finished history to predict from are left out. Cached per task on ' +
      'the server until the task or the workspace’s index changes. Paged over the tasks asked ' +
      `for (at most ${PREDICTIONS_MAX_IDS} a page). docs/ai.md.`,
    tags: TAGS,
    auth: { member: 'read' },
    params: workspaceParams,
    query: predictionsQuerySchema,
    responses: {
      200: pageResponse('The predictions, in the order asked.', z.array(taskPredictionSchema)),
      400: invalid
    }
  },
  async ({ event, request, query }) => {
    const { runtime, workspaceId } = request;
    const wanted = query.ids ? [...new Set(query.ids.split(','))] : null;
    const open = await runtime.docStore.read(boardDocName(workspaceId), (doc) => {
      if (wanted === null) return sortTasks(listTasks(doc), listColumns(doc)).filter(isOpenWork);
      return wanted.flatMap((id) => {
        const task = getTask(doc, id);
        return task && isOpenWork(task) ? [task] : [];
      });
    });
    const page = open.slice(query.offset, query.offset + query.limit);
    const durations = await runtime.ai.predictOpen(workspaceId, page);
    const now = Date.now();
    const items: TaskPredictionSummary[] = page.flatMap((task) => {
      const duration = durations.get(task.id);
      if (!duration) return [];
      return [
        {
          id: task.id,
          ...duration,
          likelyDoneAt: new Date(
            likelyFinish(task.createdAt, duration.p50Minutes, now)
          ).toISOString(),
          dueRisk: dueRiskOf(task, duration, now)
        }
      ];
    });
    return {
      status: 200,
      body: items,
      headers: storePageHeaders(event.url, query, { items: page, total: open.length })
    };
  }
);

// ---------------------------------------------------------------------------------------------
// ai/evaluation (docs/ai-models.md "Evaluate on your own data")

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const startEvaluationBodySchema = z
  .object({
    splitAt: z
      .string()
      .max(40)
      .refine((s) => (DATE.test(s) || s.includes('T')) && Number.isFinite(Date.parse(s)), {
        message: 'a date (YYYY-MM-DD, UTC) or an ISO 8601 instant'
      })
      .optional()
      .meta({
        description:
          'Items created from this date (YYYY-MM-DD, UTC midnight) or instant on are the test ' +
          'items; default: the last quarter of the finished items.'
      })
  })
  .strict()
  .meta({ id: 'StartEvaluationRequest' });

export const startAiEvaluationOperation = defineOperation(
  {
    method: 'POST',
    path: '/workspaces/{ws}/ai/evaluation',
    operationId: 'startAiEvaluation',
    summary: 'Evaluate the AI on the workspace’s own history',
    description:
      'Admins and owners only. Replays the tasks and incidents of the board and the archive ' +
      '(imported ones included) in time order: the models are trained on the past and tested ' +
      'on the items created from the split on (the last quarter of the finished items, or ' +
      '`splitAt`). Answers at once; follow the progress and read the figures with ' +
      '`GET …/ai/evaluation`. A run already going is left to finish. docs/ai-models.md.',
    tags: TAGS,
    auth: { member: 'ai.manage' },
    params: workspaceParams,
    body: startEvaluationBodySchema,
    responses: {
      202: { description: 'Started (or running).', schema: evaluationProgressSchema },
      400: { description: 'Invalid workspace id or body (`invalid_input`).' },
      422: {
        description:
          'Too little finished work (`too_little_history`); `details`: `{ needed, ' +
          'neededPerSide, finished, before, after }`.'
      }
    }
  },
  async ({ request, body }) => {
    const splitAt =
      body.splitAt === undefined
        ? undefined
        : new Date(
            DATE.test(body.splitAt) ? `${body.splitAt}T00:00:00Z` : body.splitAt
          ).toISOString();
    return {
      status: 202 as const,
      body: await request.runtime.aiEvaluation.start(request.workspaceId, {
        ...(splitAt ? { splitAt } : {}),
        actorId: request.access.actorId
      })
    };
  }
);

export const getAiEvaluationOperation = defineOperation(
  {
    method: 'GET',
    path: '/workspaces/{ws}/ai/evaluation',
    operationId: 'getAiEvaluation',
    summary: 'The AI’s evaluation on the workspace’s own history',
    description:
      'Admins and owners only. The progress of the evaluation (poll it while `progress.state` ' +
      'is `running`) and the last finished result: recall@5, duration error against the median ' +
      'baseline and calibration, assignee top-1 and top-3 against the most frequent people, ' +
      'when it ran and on how many items; `result` is null before the first run.',
    tags: TAGS,
    auth: { member: 'ai.manage' },
    params: workspaceParams,
    responses: { 200: { description: 'Progress and result.', schema: evaluationStatusSchema } }
  },
  async ({ request }) => ({
    status: 200,
    body: await request.runtime.aiEvaluation.status(request.workspaceId)
  })
);

export const aiOperations: readonly Operation[] = [
  listAnomaliesOperation,
  getAnomalySettingsOperation,
  updateAnomalySettingsOperation,
  findSimilarOperation,
  getLastTimeOperation,
  predictWorkOperation,
  listTaskPredictionsOperation,
  askOperation,
  getAiIndexOperation,
  rebuildAiIndexOperation,
  startAiEvaluationOperation,
  getAiEvaluationOperation
];
