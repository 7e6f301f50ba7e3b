/**
 * The in-app self-evaluation (issue 17 item 8, docs/ai-models.md "Evaluate on your own data"):
 * the shapes of `GET/POST …/ai/evaluation`, shared by the REST operations
 * (server/ai/ai-api.ts) and the admin page, and the plain-language verdict per model,
 * which the page words in the reader's language. Framework-free.
 */
import { z } from 'zod';

/** Finished tasks and incidents a workspace needs before its history can be evaluated. */
export const EVALUATION_MIN_FINISHED = 40;

/** Finished items needed on each side of the split (trained on, tested on). */
export const EVALUATION_MIN_SIDE = 10;

/** The newest history items an evaluation replays (the replay compares every pair). */
export const EVALUATION_MAX_ITEMS = 4_000;

/** A figure that has no value when nothing was scored (JSON has no NaN). */
const figure = z.number().nullable();

const recallSchema = z.object({
  recall: figure.describe('Share of queries with a same-topic item among the five most similar.'),
  queries: z.int().min(0)
});

export const evaluationReportSchema = z
  .object({
    trainItems: z.int().min(0).describe('Items created before the split (trained on).'),
    testItems: z.int().min(0).describe('Items created at or after the split (tested on).'),
    similar: z
      .object({ paraphrase: recallSchema, crossLanguage: recallSchema })
      .nullable()
      .describe(
        'recall@5 of similar work: a hit is an earlier item of the same kind with the same labels ' +
          'among the five most similar (crossLanguage: only items in the other language searched).'
      ),
    duration: z.object({
      n: z.int().min(0),
      mae: figure.describe('Mean absolute error of the predicted p50, minutes.'),
      baselineMae: figure.describe('Same for the median duration of past items of the kind.'),
      ratio: figure.describe('mae / baselineMae: below 1 beats the baseline.'),
      calibration: figure.describe('Share of actual durations inside p10–p90 (ideal 0.8).')
    }),
    assignee: z.object({
      n: z.int().min(0),
      top1: figure,
      top3: figure,
      baselineTop1: figure.describe('The most frequent past assignee.'),
      baselineTop3: figure.describe('The three most frequent past assignees.')
    })
  })
  .meta({ id: 'EvaluationReport' });
export type EvaluationReportJson = z.infer<typeof evaluationReportSchema>;

export const evaluationResultSchema = z
  .object({
    startedAt: z.string().describe('When the run started.'),
    finishedAt: z.string().describe('When it finished.'),
    startedBy: z.string().nullable().describe('Member id of who ran it.'),
    splitAt: z.string().describe('Items created from this instant on are the test items.'),
    splitChosen: z.boolean().describe('Whether the split date was chosen (else: last quarter).'),
    embedderId: z.string(),
    items: z.int().min(0).describe('History items replayed.'),
    report: evaluationReportSchema
  })
  .meta({ id: 'EvaluationResult' });
export type EvaluationResultJson = z.infer<typeof evaluationResultSchema>;

export const evaluationProgressSchema = z
  .object({
    state: z.enum(['idle', 'running', 'done', 'failed']),
    phase: z
      .enum(['reading', 'embedding', 'replaying'])
      .nullable()
      .describe('While running: reading the history, embedding it, or replaying it.'),
    done: z.int().min(0),
    total: z.int().min(0),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable()
  })
  .meta({ id: 'EvaluationProgress' });
export type EvaluationProgressJson = z.infer<typeof evaluationProgressSchema>;

export const evaluationStatusSchema = z
  .object({
    progress: evaluationProgressSchema,
    result: evaluationResultSchema.nullable().describe('The last finished run, or null.'),
    minFinished: z.int().describe('Finished items needed before an evaluation can run.')
  })
  .meta({ id: 'EvaluationStatus' });
export type EvaluationStatusJson = z.infer<typeof evaluationStatusSchema>;

/** How far a model may be trusted on this workspace's data. */
export type Trust = 'trust' | 'hint' | 'ignore' | 'unknown';

export interface Verdict {
  trust: Trust;
  /** Improvement over the baseline in whole percent (duration: less error; assignee: top-3
   *  accuracy, in points; similar work: recall@5 itself, as it has no baseline). */
  percent: number | null;
}

/** Duration: MAE at most 0.7 × the baseline's is trusted (issue 17's target), below 1 a hint. */
export function durationVerdict(report: EvaluationReportJson): Verdict {
  const { ratio, n } = report.duration;
  if (ratio === null || n === 0 || !Number.isFinite(ratio))
    return { trust: 'unknown', percent: null };
  const percent = Math.round((1 - ratio) * 100);
  return { trust: ratio <= 0.7 ? 'trust' : ratio < 1 ? 'hint' : 'ignore', percent };
}

/**
 * Assignee: top-3 above the most-frequent baseline's; trusted when it is also right at least
 * 80% of the time (issue 17's target), a hint otherwise. `percent`: top-3 accuracy gained over
 * the baseline, in percentage points.
 */
export function assigneeVerdict(report: EvaluationReportJson): Verdict {
  const { top3, baselineTop3, n } = report.assignee;
  if (top3 === null || baselineTop3 === null || n === 0) return { trust: 'unknown', percent: null };
  const percent = Math.round((top3 - baselineTop3) * 100);
  if (top3 <= baselineTop3) return { trust: 'ignore', percent };
  return { trust: top3 >= 0.8 ? 'trust' : 'hint', percent };
}

/** Similar work: no baseline; recall@5 of 0.9 is trusted (issue 17's target), 0.6 a hint. */
export function similarVerdict(report: EvaluationReportJson): Verdict {
  const recall = report.similar?.paraphrase.recall ?? null;
  if (recall === null || !report.similar?.paraphrase.queries) {
    return { trust: 'unknown', percent: null };
  }
  return {
    trust: recall >= 0.9 ? 'trust' : recall >= 0.6 ? 'hint' : 'ignore',
    percent: Math.round(recall * 100)
  };
}

/** Calibration: inside p10–p90 should be 0.8; 0.7–0.9 is good, else too narrow or too wide. */
export function calibrationVerdict(
  report: EvaluationReportJson
): 'good' | 'narrow' | 'wide' | 'unknown' {
  const c = report.duration.calibration;
  if (c === null || report.duration.n === 0) return 'unknown';
  return c < 0.7 ? 'narrow' : c > 0.9 ? 'wide' : 'good';
}
