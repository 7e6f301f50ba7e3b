/**
 * Anomaly detection on alert and task rates (issue 17, item 5), per service and per label. A
 * helper: pure functions over a regular series of counts (e.g. alerts per hour), no I/O.
 *
 * Robust seasonal baseline: the expected value at step i is the median of the same step of the
 * week on previous weeks (`values[i - w·weekly]`, w = 1…`weeks`), or, with fewer than three of
 * those, of the same step of the day on previous days (`values[i - d·daily]`, d = 1…`days`).
 * The spread is the MAD of both sets, each around its own median (× 1.4826, the standard
 * deviation of normal data; weekdays and weekends do not widen each other), but at least
 * √(expected + 1), the Poisson noise of a count, so a quiet series whose MAD is 0 does not alarm
 * on every odd count. The score is (value − expected) / spread; a step at or above `threshold`
 * is an anomaly (upwards only by default: a burst of alerts, not a quiet hour). Steps without
 * `minSamples` history are skipped.
 *
 * A regular pattern (a nightly batch burst, quiet weekends) is in the baseline, so it never
 * alarms; a burst that is not is scored against the season.
 */

export interface AnomalyOptions {
  /** Steps per day (24 for an hourly series, 1 for a daily one). */
  daily: number;
  /** Steps per week (168 hourly, 7 daily). */
  weekly: number;
  /** Previous days in the daily baseline. */
  days: number;
  /** Previous weeks in the weekly baseline. */
  weeks: number;
  /** Score at which a step is an anomaly. */
  threshold: number;
  /** Fewest samples a baseline needs. */
  minSamples: number;
  direction: 'up' | 'both';
}

/** Tuned on the validation split of bench/ai (never on the test split): see docs/ai-models.md. */
export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = {
  daily: 24,
  weekly: 168,
  days: 14,
  weeks: 4,
  threshold: 6,
  minSamples: 7,
  direction: 'up'
};

/**
 * The options for a label's series. A label's series is the sum of several sources (its
 * services, its incidents), so a burst of one quiet source is small against the sum's noise: the
 * single-service threshold of 6 missed a quarter of them (validation recall 0.76). 4.5 is the
 * lowest threshold whose precision stays ≥ 0.9 on the validation days of 24 seeds of bench/ai
 * (P 0.93, R 0.92; `bench/ai/tune.ts`); the test quarter was not used.
 */
export const LABEL_ANOMALY_OPTIONS: AnomalyOptions = { ...DEFAULT_ANOMALY_OPTIONS, threshold: 4.5 };

/** The options for a daily series (e.g. tasks created per day): weekly season only. */
export const DAILY_SERIES_OPTIONS: Partial<AnomalyOptions> = {
  daily: 1,
  weekly: 7,
  days: 0,
  weeks: 6,
  minSamples: 4
};

export interface Baseline {
  expected: number;
  /** Robust spread (≥ √(expected + 1)). */
  spread: number;
  samples: number;
}

export interface Anomaly {
  index: number;
  value: number;
  expected: number;
  /** The expected band: expected ± threshold × spread (lower clipped at 0). */
  lower: number;
  upper: number;
  score: number;
}

/** A run of anomalous steps close together. */
export interface AnomalyEvent {
  start: number;
  /** Step after the last anomalous one. */
  end: number;
  peakScore: number;
}

const MAD_SCALE = 1.4826;

function medianOf(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** The seasonal baseline at step `i`, or null without enough history. */
export function seasonalBaseline(
  values: readonly number[],
  i: number,
  options: Partial<AnomalyOptions> = {}
): Baseline | null {
  const o = { ...DEFAULT_ANOMALY_OPTIONS, ...options };
  const daily: number[] = [];
  const weekly: number[] = [];
  for (let d = 1; d <= o.days; d++) {
    const j = i - d * o.daily;
    if (j < 0) break;
    // same step of the week is in the weekly set; keep the daily set to other days
    if ((d * o.daily) % o.weekly !== 0) daily.push(values[j]!);
  }
  for (let w = 1; w <= o.weeks; w++) {
    const j = i - w * o.weekly;
    if (j < 0) break;
    weekly.push(values[j]!);
  }
  const samples = daily.length + weekly.length;
  if (samples < o.minSamples) return null;
  // each set's residuals around its own median, so weekdays and weekends do not widen each other
  const residuals: number[] = [];
  let dailyMedian = NaN;
  let weeklyMedian = NaN;
  if (daily.length > 0) {
    dailyMedian = medianOf([...daily]);
    for (const v of daily) residuals.push(Math.abs(v - dailyMedian));
  }
  if (weekly.length > 0) {
    weeklyMedian = medianOf([...weekly]);
    for (const v of weekly) residuals.push(Math.abs(v - weeklyMedian));
  }
  // the same hour of the week knows weekends; the same hour of other days only the level
  const expected = weekly.length >= 3 || daily.length === 0 ? weeklyMedian : dailyMedian;
  const mad = MAD_SCALE * medianOf(residuals);
  return { expected, spread: Math.max(mad, Math.sqrt(expected + 1)), samples };
}

/** The anomalous steps of `values` from step `from` on (default: all with enough history). */
export function detectAnomalies(
  values: readonly number[],
  options: Partial<AnomalyOptions> = {},
  from = 0
): Anomaly[] {
  const o = { ...DEFAULT_ANOMALY_OPTIONS, ...options };
  const out: Anomaly[] = [];
  for (let i = Math.max(0, from); i < values.length; i++) {
    const base = seasonalBaseline(values, i, o);
    if (!base) continue;
    const value = values[i]!;
    const score = (value - base.expected) / base.spread;
    if (score >= o.threshold || (o.direction === 'both' && score <= -o.threshold))
      out.push({
        index: i,
        value,
        expected: base.expected,
        lower: Math.max(0, base.expected - o.threshold * base.spread),
        upper: base.expected + o.threshold * base.spread,
        score
      });
  }
  return out;
}

/** Groups anomalous steps at most `gap` steps apart into events. */
export function anomalyEvents(anomalies: readonly Anomaly[], gap = 2): AnomalyEvent[] {
  const events: AnomalyEvent[] = [];
  for (const a of anomalies) {
    const last = events[events.length - 1];
    if (last && a.index - (last.end - 1) <= gap) {
      last.end = a.index + 1;
      last.peakScore = Math.max(last.peakScore, Math.abs(a.score));
    } else events.push({ start: a.index, end: a.index + 1, peakScore: Math.abs(a.score) });
  }
  return events;
}

/** Counts per step: how many of `times` (ms) fall in each step of `stepMs` from `startMs`. */
export function bucketCounts(
  times: Iterable<number>,
  startMs: number,
  stepMs: number,
  steps: number
): number[] {
  const counts = new Array<number>(steps).fill(0);
  for (const t of times) {
    const i = Math.floor((t - startMs) / stepMs);
    if (i >= 0 && i < steps) counts[i]!++;
  }
  return counts;
}
