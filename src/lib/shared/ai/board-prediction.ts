/**
 * The board's read of duration prediction (`GET …/ai/predictions`, docs/ai.md): for each open
 * card, the predicted time to done as p10/p50/p90 minutes and whether it is likely to miss its
 * due date. Shared by the operation (src/lib/server/ai/ai-api.ts), which computes the risk, and
 * the board, which shows it (TaskCard.svelte).
 *
 * The model's durations run from a card's creation to its finish (duration-model.ts), so the
 * likely finish is the creation time plus the duration; a card still open past that is at
 * least "now" away from finishing, so the finish is never before now.
 */
import { z } from 'zod';

/** Most cards one request asks for (and the largest page without `ids`). */
export const PREDICTIONS_MAX_IDS = 100;

export const dueRiskSchema = z
  .enum(['late', 'at_risk'])
  .nullable()
  .meta({
    id: 'DueRisk',
    description:
      '`late`: the likely finish (p50) is after the due date (or the due date has passed); ' +
      '`at_risk`: only the pessimistic finish (p90) is; null: neither, or no due date.'
  });

export type DueRisk = z.infer<typeof dueRiskSchema>;

export const taskPredictionSchema = z
  .object({
    id: z.string().describe('The task’s id.'),
    p10Minutes: z.int(),
    p50Minutes: z.int(),
    p90Minutes: z.int(),
    basedOn: z.int().describe('Similar finished items it was based on (0: priors only).'),
    likelyDoneAt: z
      .string()
      .describe('The likely finish (p50): creation plus p50, not before now.'),
    dueRisk: dueRiskSchema
  })
  .meta({ id: 'TaskPrediction', description: 'An open task’s predicted duration and due risk.' });

export type TaskPredictionSummary = z.infer<typeof taskPredictionSchema>;

/** The likely finish of a card created at `createdAt` that takes `minutes`, not before `now`. */
export function likelyFinish(createdAt: string, minutes: number, now: number): number {
  return Math.max(Date.parse(createdAt) + minutes * 60_000, now);
}

/** The due-date risk of an open card (see the file's comment); null without a due date. */
export function dueRiskOf(
  task: { createdAt: string; dueAt: string | null },
  duration: { p50Minutes: number; p90Minutes: number },
  now: number
): DueRisk {
  if (task.dueAt === null) return null;
  const due = Date.parse(task.dueAt);
  if (!Number.isFinite(due)) return null;
  if (likelyFinish(task.createdAt, duration.p50Minutes, now) > due) return 'late';
  if (likelyFinish(task.createdAt, duration.p90Minutes, now) > due) return 'at_risk';
  return null;
}

/**
 * A duration in minutes, short, for a card's chip: the message key of i18n area `ai-board` and
 * its parameter (`45m`, `3h`, `2d`; hours and days rounded).
 */
export function shortDuration(minutes: number): { key: string; params: { n: number } } {
  const m = Math.max(1, Math.round(minutes));
  if (m < 60) return { key: 'aiBoard.short.minutes', params: { n: m } };
  if (m < 24 * 60) return { key: 'aiBoard.short.hours', params: { n: Math.round(m / 60) } };
  return { key: 'aiBoard.short.days', params: { n: Math.round(m / (24 * 60)) } };
}
