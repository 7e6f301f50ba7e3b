/**
 * Duration prediction (issue 17, item 3): how long a new task takes to be done, or an incident
 * to be resolved, as a range (p10, p50, p90) in minutes. A helper: pure functions over history
 * items (./history.ts) and their similarity to the new item, no I/O.
 *
 * The model works on log minutes (durations are roughly log-normal):
 * 1. Priors, trained on finished items: the median per kind; a priority effect and a label
 *    effect, each the mean residual of the items that have it, shrunk towards 0 by `shrinkage`
 *    pseudo-items (a label seen twice barely moves the prior; one seen 50 times does); and each
 *    assignee's pace: how their durations compare with the typical duration of the same work
 *    (`typicalLog`, e.g. the similarity-weighted median of the item's neighbours), shrunk the same
 *    way. A pace of 0.8 means they take 80% of the team's typical time.
 * 2. For a new item: the similarity-weighted mean of its neighbours' log durations, each
 *    corrected for its own assignee's pace and priority, blended with the prior by weight (few or
 *    weak neighbours lean on the prior), plus the new item's assignee's pace when known.
 * 3. The range: the weighted spread of the neighbours around that mean, blended with the priors'
 *    residual spread, as a log-normal p10/p90.
 *
 * The plain baseline it must beat is the median duration of past items of the same kind.
 */
import type { HistoryItem, HistoryKind, HistoryPriority } from './history';

/** A past item with its similarity to the item being predicted (cosine, 0–1). */
export interface Neighbour<T = HistoryItem> {
  item: T;
  similarity: number;
}

/** The fields of a history item the duration model reads. */
export type DurationItem = Pick<
  HistoryItem,
  'kind' | 'priority' | 'labels' | 'assignee' | 'durationMinutes'
>;

export interface DurationQuery {
  kind: HistoryKind;
  priority?: HistoryPriority;
  labels?: readonly string[];
  /** Member id of the assignee, when known (their pace is applied). */
  assignee?: string | null;
}

export interface DurationPriors {
  /** Median log minutes per kind. */
  kindLog: Map<HistoryKind, number>;
  /** Median log minutes of every finished item. */
  globalLog: number;
  priorityEffect: Map<HistoryPriority, number>;
  labelEffect: Map<string, number>;
  /** Log pace per assignee (0 = the team's typical pace). */
  pace: Map<string, number>;
  /** Residual standard deviation of the prior, in log minutes. */
  sigma: number;
  /** Finished items trained on. */
  count: number;
}

export interface DurationPrediction {
  p10Minutes: number;
  p50Minutes: number;
  p90Minutes: number;
  /** Neighbours used, and their total weight. */
  neighbours: number;
  weight: number;
  /** The assignee's pace as a ratio (1 = typical), when one was applied. */
  pace: number | null;
}

export interface DurationModelOptions {
  /** Pseudo-items of shrinkage for priority, label and pace effects. */
  shrinkage: number;
  /** Neighbours considered, best first. */
  k: number;
  /** Neighbours below this similarity are ignored. */
  minSimilarity: number;
  /** Weight of a neighbour: similarity to this power. */
  power: number;
  /** Weight of the prior in neighbour units. */
  priorWeight: number;
  /** Weight of a neighbour of another kind, relative to one of the same kind. */
  otherKindWeight: number;
  /** Weight of the priors' spread when blending the range, in neighbour units. */
  sigmaPriorWeight: number;
  /** Scales the spread (calibration of p10–p90). */
  spreadScale: number;
}

/** Tuned on the validation split of bench/ai (never on the test split): see docs/ai-models.md. */
export const DEFAULT_DURATION_OPTIONS: DurationModelOptions = {
  shrinkage: 8,
  k: 10,
  minSimilarity: 0.15,
  power: 2,
  priorWeight: 0.4,
  otherKindWeight: 0.15,
  sigmaPriorWeight: 2,
  spreadScale: 0.92
};

/** z of the 90th percentile of the standard normal. */
const Z90 = 1.2815515655446004;

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The weighted median of `values` (weights ≥ 0; NaN when the weights sum to 0). */
export function weightedMedian(values: readonly number[], weights: readonly number[]): number {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  let total = 0;
  for (const w of weights) total += w;
  if (!(total > 0)) return NaN;
  let acc = 0;
  for (const i of order) {
    acc += weights[i]!;
    if (acc >= total / 2) return values[i]!;
  }
  return values[order[order.length - 1]!]!;
}

/** A mean residual shrunk towards 0 by `k` pseudo-items: sum / (n + k). */
export function shrunkMean(sum: number, n: number, k: number): number {
  return n + k > 0 ? sum / (n + k) : 0;
}

const logMinutes = (minutes: number) => Math.log(Math.max(1, minutes));

function finished<T extends DurationItem>(
  items: readonly T[]
): (T & { durationMinutes: number })[] {
  return items.filter(
    (i): i is T & { durationMinutes: number } =>
      i.durationMinutes !== null && Number.isFinite(i.durationMinutes)
  );
}

/**
 * Trains the priors on finished items. `typicalLog(item, index)` gives the typical log duration
 * of the same work (what the item's pace is measured against); by default the item's prior
 * (kind, priority, labels).
 */
export function trainDurationPriors<T extends DurationItem>(
  items: readonly T[],
  options: Partial<DurationModelOptions> = {},
  typicalLog?: (item: T, index: number) => number
): DurationPriors {
  const o = { ...DEFAULT_DURATION_OPTIONS, ...options };
  const indexOf = new Map<T, number>();
  items.forEach((item, i) => indexOf.set(item, i));
  const done = finished(items);
  const logs = done.map((i) => logMinutes(i.durationMinutes));
  const globalLog = done.length ? median(logs) : Math.log(60);
  const kindLog = new Map<HistoryKind, number>();
  for (const kind of new Set(done.map((i) => i.kind)))
    kindLog.set(kind, median(logs.filter((_, j) => done[j]!.kind === kind)));
  const base = (i: DurationItem) => kindLog.get(i.kind) ?? globalLog;

  const accumulate = (
    keyOf: (i: DurationItem) => readonly string[],
    residual: (j: number) => number
  ) => {
    const sums = new Map<string, { sum: number; n: number }>();
    done.forEach((item, j) => {
      for (const key of keyOf(item)) {
        const s = sums.get(key) ?? { sum: 0, n: 0 };
        s.sum += residual(j);
        s.n++;
        sums.set(key, s);
      }
    });
    return new Map([...sums].map(([key, s]) => [key, shrunkMean(s.sum, s.n, o.shrinkage)]));
  };
  const priorityEffect = accumulate(
    (i) => [i.priority],
    (j) => logs[j]! - base(done[j]!)
  ) as Map<HistoryPriority, number>;
  const withPriority = (i: DurationItem) => base(i) + (priorityEffect.get(i.priority) ?? 0);
  const labelEffect = accumulate(
    (i) => [...new Set(i.labels)],
    (j) => logs[j]! - withPriority(done[j]!)
  );
  const priors: DurationPriors = {
    kindLog,
    globalLog,
    priorityEffect,
    labelEffect,
    pace: new Map(),
    sigma: 0,
    count: done.length
  };
  const typical = done.map((item) =>
    typicalLog ? typicalLog(item, indexOf.get(item)!) : priorLog(priors, item)
  );
  // the pace of each assignee, against the typical duration of the same work
  const paceSums = new Map<string, { sum: number; n: number }>();
  done.forEach((item, j) => {
    if (!item.assignee || !Number.isFinite(typical[j]!)) return;
    const s = paceSums.get(item.assignee) ?? { sum: 0, n: 0 };
    s.sum += logs[j]! - typical[j]!;
    s.n++;
    paceSums.set(item.assignee, s);
  });
  for (const [id, s] of paceSums) priors.pace.set(id, shrunkMean(s.sum, s.n, o.shrinkage));
  // the prior's spread (residuals after pace), the fallback width of the range
  let sq = 0;
  done.forEach((item, j) => {
    const r = logs[j]! - priorLog(priors, item) - (priors.pace.get(item.assignee ?? '') ?? 0);
    sq += r * r;
  });
  priors.sigma = done.length > 1 ? Math.sqrt(sq / (done.length - 1)) : 1;
  return priors;
}

/** The prior's log minutes for an item of this kind, priority and labels (no pace). */
export function priorLog(
  priors: DurationPriors,
  query: Pick<DurationQuery, 'kind' | 'priority' | 'labels'>
): number {
  let log = priors.kindLog.get(query.kind) ?? priors.globalLog;
  if (query.priority) log += priors.priorityEffect.get(query.priority) ?? 0;
  const labels = [...new Set(query.labels ?? [])];
  if (labels.length) {
    let sum = 0;
    for (const l of labels) sum += priors.labelEffect.get(l) ?? 0;
    log += sum / labels.length;
  }
  return log;
}

/**
 * Predicts the duration of `query` from its neighbours (past finished items with their
 * similarity, any order) and the priors.
 */
export function predictDuration(
  query: DurationQuery,
  neighbours: readonly Neighbour<DurationItem>[],
  priors: DurationPriors,
  options: Partial<DurationModelOptions> = {}
): DurationPrediction {
  const o = { ...DEFAULT_DURATION_OPTIONS, ...options };
  const prior = priorLog(priors, query);
  const queryPriority = query.priority ? (priors.priorityEffect.get(query.priority) ?? 0) : 0;
  const used = neighbours
    .filter((n) => n.similarity >= o.minSimilarity && n.item.durationMinutes !== null)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, o.k);
  let weight = 0;
  let sum = 0;
  const xs: number[] = [];
  const ws: number[] = [];
  for (const n of used) {
    const w = n.similarity ** o.power * (n.item.kind === query.kind ? 1 : o.otherKindWeight);
    // the neighbour's duration as the typical assignee would have taken at this priority
    const x =
      logMinutes(n.item.durationMinutes!) -
      (priors.pace.get(n.item.assignee ?? '') ?? 0) -
      (priors.priorityEffect.get(n.item.priority) ?? 0) +
      queryPriority;
    xs.push(x);
    ws.push(w);
    weight += w;
    sum += w * x;
  }
  const knn = weight > 0 ? sum / weight : prior;
  const mu0 = (weight * knn + o.priorWeight * prior) / (weight + o.priorWeight);
  const pace = query.assignee ? priors.pace.get(query.assignee) : undefined;
  const mu = mu0 + (pace ?? 0);
  let spread = 0;
  for (let i = 0; i < xs.length; i++) spread += ws[i]! * (xs[i]! - knn) ** 2;
  const sigma =
    o.spreadScale *
    Math.sqrt((spread + o.sigmaPriorWeight * priors.sigma ** 2) / (weight + o.sigmaPriorWeight));
  return {
    p10Minutes: Math.exp(mu - Z90 * sigma),
    p50Minutes: Math.exp(mu),
    p90Minutes: Math.exp(mu + Z90 * sigma),
    neighbours: used.length,
    weight,
    pace: pace === undefined ? null : Math.exp(pace)
  };
}

/** The plain baseline: the median duration of past finished items of the same kind. */
export function medianBaseline(items: readonly DurationItem[]): (kind: HistoryKind) => number {
  const done = finished(items);
  const all = median(done.map((i) => i.durationMinutes));
  const byKind = new Map<HistoryKind, number>();
  for (const kind of new Set(done.map((i) => i.kind)))
    byKind.set(kind, median(done.filter((i) => i.kind === kind).map((i) => i.durationMinutes)));
  return (kind) => byKind.get(kind) ?? all;
}
