/**
 * The evaluation the `ai` benchmark runs (bundled from source by bench/ai/index.mjs with esbuild,
 * and imported as is by tests/unit/ai-evaluation.test.ts): the generated evaluation set
 * (./dataset.ts) replayed in time order through src/lib/server/ai/evaluation.ts.
 *
 * Splits (days of the generated year, items by creation):
 * - `test`: train on days 0–272, test on days 273–364 (the last quarter). The figures printed.
 * - `validation`: train on days 0–181, test on days 182–272. The models' options were tuned on
 *   this split only; the test quarter was not looked at while tuning.
 * Anomalies: the detector runs over the whole series (a baseline only looks back); events and
 * labelled windows are counted in the split's test days.
 */
import type { Embedder } from '../../src/lib/server/ai/embedder';
import { historyText } from '../../src/lib/server/ai/history';
import {
  evaluateAnomalies,
  replay,
  type AnomalyReport,
  type EvalItem,
  type ReplayReport
} from '../../src/lib/server/ai/evaluation';
import { LABEL_ANOMALY_OPTIONS } from '../../src/lib/server/ai/anomaly';
import { generateDataset, type Dataset, type DatasetOptions } from './dataset';

export { generateDataset };
export { toRunboardJson } from './dataset';
export { FallbackEmbedder } from './fallback-embedder';

const DAY_MS = 86_400_000;

export type Split = 'test' | 'validation';

export const SPLITS: Record<Split, { trainDays: number; endDay: number }> = {
  test: { trainDays: 273, endDay: 365 },
  validation: { trainDays: 182, endDay: 273 }
};

/** The dataset's items as the models' history items. */
export function evalItems(dataset: Dataset): EvalItem[] {
  return dataset.items.map((item) => ({
    id: item.id,
    title: item.title,
    description: item.description,
    kind: item.kind,
    priority: item.priority,
    labels: item.labels,
    assignee: item.assignee,
    createdAt: item.createdAt,
    startedAt: item.startedAt,
    acknowledgedAt: item.acknowledgedAt,
    resolvedAt: item.resolvedAt,
    doneAt: item.doneAt,
    finishedAt: item.kind === 'incident' ? item.resolvedAt : item.doneAt,
    durationMinutes: item.durationMinutes,
    group: item.group,
    lang: item.lang,
    variant: item.variant
  }));
}

export interface AiEvalResult {
  split: Split;
  embedder: string;
  items: number;
  embedMs: number;
  /** Texts embedded per second. */
  embedPerSecond: number;
  replay: ReplayReport;
  anomaly: { service: AnomalyReport; label: AnomalyReport };
}

/**
 * Runs the evaluation on one split with `embedder`. Options of the models may be overridden
 * (the tuning script does; the printed figures use the defaults).
 */
export async function runAiEvaluation(
  embedder: Embedder,
  split: Split = 'test',
  options: { dataset?: DatasetOptions; replay?: Partial<Parameters<typeof replay>[2]> } = {}
): Promise<AiEvalResult> {
  const dataset = generateDataset(options.dataset);
  const startMs = Date.parse(dataset.start);
  const { trainDays, endDay } = SPLITS[split];
  const items = evalItems(dataset);
  const texts = items.map(historyText);
  await embedder.embed(texts.slice(0, 5)); // warm-up (dictionary loading is not throughput)
  const t0 = performance.now();
  const vectors = await embedder.embed(texts);
  const embedMs = performance.now() - t0;
  const people = dataset.people;
  const dayOf = (at: string) => Math.floor((Date.parse(at) - startMs) / DAY_MS);
  const report = replay(items, vectors, {
    idf: (embedder as { termWeighting?: string }).termWeighting === 'idf',
    splitAt: new Date(startMs + trainDays * DAY_MS).toISOString(),
    endAt: new Date(startMs + endDay * DAY_MS).toISOString(),
    membersAt: (at) => {
      const day = dayOf(at);
      return people.map((p) => ({
        id: p.id,
        role: p.role,
        active: (p.joinedDay ?? 0) <= day && (p.leftDay === undefined || day < p.leftDay)
      }));
    },
    onCallAt: (at) => {
      const t = Date.parse(at);
      return (
        dataset.onCall.find((s) => Date.parse(s.from) <= t && t < Date.parse(s.to))?.personId ??
        null
      );
    },
    ...options.replay
  });
  const from = trainDays * 24;
  const to = endDay * 24;
  const anomaly = {
    service: evaluateAnomalies(
      dataset.series.filter((s) => s.key.startsWith('service:')),
      from,
      to
    ),
    label: evaluateAnomalies(
      dataset.series.filter((s) => s.key.startsWith('label:')),
      from,
      to,
      // a label's series is a sum of sources: its own threshold (anomaly.ts), as the app uses
      LABEL_ANOMALY_OPTIONS
    )
  };
  return {
    split,
    embedder: embedder.id,
    items: items.length,
    embedMs,
    embedPerSecond: (texts.length / embedMs) * 1000,
    replay: report,
    anomaly
  };
}
