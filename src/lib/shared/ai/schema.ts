/**
 * The shapes of local AI's answers (docs/ai.md), shared by the REST operations
 * (server/ai/ai-api.ts) and the pages that show them, and the duplicate threshold.
 */
import { z } from 'zod';

/**
 * The score from which the nearest item to a new task or incident is shown as a possible
 * duplicate. Calibrated on tests/fixtures/ai-paraphrases.ts (docs/ai.md, "Duplicate
 * threshold"): the midpoint, rounded down, between the lowest paraphrase pair (0.372) and the
 * highest unrelated pair (0.198) of the fixture, scored by the lexical embedder in the
 * fixture's own index. Re-calibrate when the embedder or the glossary changes much.
 */
export const DUPLICATE_THRESHOLD = 0.28;

/**
 * The lowest score the pages show as similar work: below it a match is a shared character
 * n-gram or a hash collision, not similar work (the API still returns it, ranked).
 */
export const SIMILAR_DISPLAY_FLOOR = 0.1;

export const aiItemTypeSchema = z.enum(['task', 'incident', 'runbook', 'ci']);
export type AiItemTypeName = z.infer<typeof aiItemTypeSchema>;

export const similarItemSchema = z
  .object({
    id: z.string().describe('Id of the task, incident, runbook or CI.'),
    title: z.string(),
    score: z.number().describe('Cosine similarity, 0–1; higher is more similar.'),
    type: aiItemTypeSchema,
    key: z.string().nullable().describe('Task key (OPS-12) of tasks and incidents.'),
    status: z
      .enum(['open', 'done', 'archived'])
      .describe('`open`, `done` (done or resolved, still on the board) or `archived`.'),
    finishedAt: z.string().nullable().describe('When it was done or resolved.'),
    url: z.string().describe('Its page, relative to the host.')
  })
  .meta({ id: 'SimilarItem', description: 'An item similar to the text, with its score.' });
export type SimilarItemJson = z.infer<typeof similarItemSchema>;

export const lastTimeSchema = z
  .object({
    lastTime: z
      .object({
        incident: similarItemSchema,
        resolvedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
        openedAt: z.string(),
        resolvedAt: z.string(),
        durationMinutes: z.int().describe('From opening to resolution.'),
        runbooks: z
          .array(z.object({ id: z.string(), title: z.string() }))
          .describe('Runbooks linked to that incident.')
      })
      .nullable()
  })
  .meta({ id: 'LastTime', description: 'The most similar resolved incident, or null.' });
export type LastTimeJson = z.infer<typeof lastTimeSchema>;

export const rebuildProgressSchema = z.object({
  state: z.enum(['idle', 'running', 'done', 'failed']),
  done: z.int().describe('Items embedded so far.'),
  total: z.int().describe('Items to embed (known once the rebuild has read them).'),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable()
});

export const indexStatusSchema = z
  .object({
    embedderId: z.string().describe('The embedder in use (RUNBOARD_AI_EMBEDDER).'),
    dimensions: z.int(),
    items: z.int().describe('Items indexed by the embedder in use.'),
    stale: z.int().describe('Items indexed by another embedder, re-embedded on refresh.'),
    duplicateThreshold: z.number().describe('Score from which a possible duplicate is shown.'),
    rebuild: rebuildProgressSchema
  })
  .meta({ id: 'AiIndexStatus', description: 'The AI index of a workspace.' });
export type IndexStatusJson = z.infer<typeof indexStatusSchema>;
