/**
 * The answer of `POST …/ai/predict` (DESIGN.md §2; docs/ai-models.md), shared by the operation
 * (src/lib/server/ai/ai-api.ts) and the page that shows it (TaskPrediction.svelte).
 */
import { z } from 'zod';

/**
 * The one confidence threshold of assignee suggestions: a suggestion at or above it may be
 * applied without asking (`autoApply`); one below is shown as low confidence and is never
 * applied by itself. The UI applies none by itself at all: a person clicks.
 */
export const AUTO_APPLY_CONFIDENCE = 0.75;

export const predictReasonSchema = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('resolved_similar'),
      count: z.int(),
      topic: z.string().nullable().describe('The label id most of that work had.')
    }),
    z.object({ kind: z.literal('on_call') }),
    z.object({ kind: z.literal('frequent'), count: z.int() }),
    z.object({ kind: z.literal('light_load'), open: z.int() })
  ])
  .meta({ id: 'AssigneeReason', description: 'Why a person is suggested (the UI words it).' });

export const predictionSchema = z
  .object({
    duration: z
      .object({
        p50Minutes: z.int(),
        p10Minutes: z.int(),
        p90Minutes: z.int(),
        basedOn: z.int().describe('Similar finished items it was based on (0: priors only).')
      })
      .nullable()
      .describe('Time to done (or to resolve, for an incident); null without finished history.'),
    assignees: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          email: z.string().optional(),
          score: z.number(),
          reason: predictReasonSchema,
          reasons: z.array(predictReasonSchema),
          confidence: z.number().describe('Share of all candidates’ score, 0–1.'),
          autoApply: z
            .boolean()
            .describe('Confidence at or above the auto-apply threshold; never true below it.')
        })
      )
      .describe('At most three, best first.')
  })
  .meta({ id: 'Prediction', description: 'Predicted duration and suggested assignees.' });

export type Prediction = z.infer<typeof predictionSchema>;
