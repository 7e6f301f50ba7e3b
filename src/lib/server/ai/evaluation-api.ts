/**
 * REST operations of the in-app self-evaluation (issue 17 item 8, docs/ai-models.md "Evaluate
 * on your own data"), admins and owners only:
 * - `POST …/ai/evaluation` (`startAiEvaluation`): starts replaying the workspace's history
 *   (evaluation-service.ts) and answers 202 with the progress at once; 422
 *   `too_little_history` when there is too little finished work (`details` says how much);
 * - `GET …/ai/evaluation` (`getAiEvaluation`): the progress and the last stored result.
 */
import { z } from 'zod';
import { defineOperation, type Operation } from '$lib/server/api/operation';
import { evaluationProgressSchema, evaluationStatusSchema } from '$lib/shared/ai/evaluation';
import { workspaceParams } from '../workspaces/workspaces-json';

const TAGS = ['ai'] as const;

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

export const aiEvaluationOperations: readonly Operation[] = [
  startAiEvaluationOperation,
  getAiEvaluationOperation
];
