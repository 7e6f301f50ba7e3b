/**
 * The seasonal anomaly detector (src/lib/server/ai/anomaly.ts): a hand-checked baseline and
 * score, an injected spike found with its expected band, no false alarm on a normal daily and
 * weekly season (with a nightly batch burst and Poisson noise), and a daily series.
 */
import { describe, expect, it } from 'vitest';
import {
  DAILY_SERIES_OPTIONS,
  anomalyEvents,
  bucketCounts,
  detectAnomalies,
  seasonalBaseline
} from '../../src/lib/server/ai/anomaly';
import { seededRandom } from '../helpers/random';

const HOURS_PER_WEEK = 168;

function poisson(rand: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

/** Alerts per hour over `weeks` weeks: busy afternoons, quiet weekends, a burst at 02:00. */
function seasonal(weeks: number, seed: number): number[] {
  const rand = seededRandom(seed);
  return Array.from({ length: weeks * HOURS_PER_WEEK }, (_, i) => {
    const hour = i % 24;
    const day = Math.floor(i / 24) % 7; // 0 = Monday
    const daily = 0.3 + Math.exp(-((hour - 14) ** 2) / 18);
    const weekly = day >= 5 ? 0.5 : 1;
    const batch = hour === 2 ? 25 : 0;
    return poisson(rand, 12 * daily * weekly + batch);
  });
}

describe('the seasonal baseline', () => {
  it('is the median of the same hour on earlier days and weeks, with a Poisson floor on the spread', () => {
    const values = new Array<number>(5 * HOURS_PER_WEEK).fill(4);
    const i = values.length - 1;
    const base = seasonalBaseline(values, i)!;
    expect(base.expected).toBe(4);
    expect(base.spread).toBeCloseTo(Math.sqrt(5), 10); // MAD 0 → √(4 + 1)
    expect(base.samples).toBe(12 + 4); // days 1–14 but 7 and 14 (weekly), weeks 1–4
    expect(seasonalBaseline(values, 10)).toBeNull(); // no history yet
  });

  it('scores (value − expected) / spread and flags at the threshold', () => {
    const values = new Array<number>(5 * HOURS_PER_WEEK).fill(4);
    const i = values.length - 3;
    values[i] = 20; // (20 − 4) / √5 = 7.16
    const found = detectAnomalies(values, { threshold: 6 });
    expect(found).toHaveLength(1);
    expect(found[0]!.index).toBe(i);
    expect(found[0]!.score).toBeCloseTo(16 / Math.sqrt(5), 10);
    expect(found[0]!.upper).toBeCloseTo(4 + 6 * Math.sqrt(5), 10);
    expect(found[0]!.lower).toBe(0);
    values[i] = 17; // 13 / √5 = 5.81: below 6
    expect(detectAnomalies(values, { threshold: 6 })).toEqual([]);
  });
});

describe('detecting anomalies', () => {
  it('raises no false alarm on a normal daily and weekly season with a nightly batch', () => {
    for (const seed of [1, 2, 3]) {
      const values = seasonal(10, seed);
      expect(detectAnomalies(values, {}, 4 * HOURS_PER_WEEK)).toEqual([]);
    }
  });

  it('would alarm on the nightly burst without the seasonal baseline (the season matters)', () => {
    const values = seasonal(10, 1);
    // a baseline of only the previous hours (no daily or weekly season): the burst stands out
    const flat = values.map((v, i) => (i < 6 ? 0 : v - Math.max(...values.slice(i - 6, i))));
    expect(flat.some((d, i) => i % 24 === 2 && d > 15)).toBe(true);
  });

  it('finds an injected spike on a Sunday afternoon, with the expected band', () => {
    const values = seasonal(10, 7);
    const at = 9 * HOURS_PER_WEEK + 6 * 24 + 15; // week 9, Sunday 15:00
    const normal = values[at]!;
    values[at] = normal + 40;
    values[at + 1] = values[at + 1]! + 35;
    const found = detectAnomalies(values, {}, 4 * HOURS_PER_WEEK);
    expect(found.map((a) => a.index)).toEqual([at, at + 1]);
    const a = found[0]!;
    expect(a.value).toBe(normal + 40);
    expect(a.expected).toBeGreaterThan(2);
    expect(a.expected).toBeLessThan(12);
    expect(a.value).toBeGreaterThan(a.upper);
    expect(anomalyEvents(found)).toEqual([
      { start: at, end: at + 2, peakScore: Math.max(found[0]!.score, found[1]!.score) }
    ]);
  });

  it('flags a drop only when asked for both directions', () => {
    const values = new Array<number>(5 * HOURS_PER_WEEK).fill(50);
    const i = values.length - 1;
    values[i] = 0; // (0 − 50) / √51 = −7.0
    expect(detectAnomalies(values)).toEqual([]);
    expect(detectAnomalies(values, { direction: 'both' }).map((a) => a.index)).toEqual([i]);
  });

  it('works on a daily series (tasks per day) with the weekly season only', () => {
    // weekdays 10 tasks, weekends 2; a Saturday with 14
    const values: number[] = Array.from({ length: 10 * 7 }, (_, d) => (d % 7 >= 5 ? 2 : 10));
    expect(detectAnomalies(values, DAILY_SERIES_OPTIONS)).toEqual([]);
    const saturday = 9 * 7 + 5;
    values[saturday] = 14; // (14 − 2) / √3 = 6.9
    expect(detectAnomalies(values, DAILY_SERIES_OPTIONS).map((a) => a.index)).toEqual([saturday]);
  });

  it('counts events into buckets', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const hour = 3_600_000;
    expect(
      bucketCounts([start, start + 10, start + hour, start - 1, start + 3 * hour], start, hour, 3)
    ).toEqual([2, 1, 0]);
  });
});
