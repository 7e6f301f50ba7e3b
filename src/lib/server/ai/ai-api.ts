/**
 * REST operations of local AI (DESIGN.md §2 and §7, docs/ai.md).
 *
 * - `GET …/ai/similar` (`findSimilar`): the items most similar to a text. A ranked top-k, not a
 *   list: it is not paged (`limit` at most 50, no `offset`), because the ranking is recomputed
 *   for every query and a next page of weaker matches is not something a caller walks;
 *   the shape stays DESIGN.md's `[{ id, title, score }]`, with more fields beside them.
 * - `GET …/ai/last-time` (`getLastTime`): "last time this happened" for an incident's text.
 * - `GET …/ai/index` and `POST …/ai/index/rebuild` (admins): the index and its rebuild.
 *
 * The parts built on the index (prediction, questions, import) add their operations below,
 * each with its schemas next to it, and list them in `aiOperations`.
 */
import { z } from 'zod';
import { defineOperation, queryInteger, type Operation } from '$lib/server/api/operation';
import { workspaceParams } from '../workspaces/workspaces-json';
import {
  aiItemTypeSchema,
  indexStatusSchema,
  lastTimeSchema,
  rebuildProgressSchema,
  similarItemSchema
} from '$lib/shared/ai/schema';
import { SIMILAR_MAX_LIMIT } from './ai-service';
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
  predictWorkOperation,
  findSimilarOperation,
  getLastTimeOperation,
  getAiIndexOperation,
  rebuildAiIndexOperation
];
