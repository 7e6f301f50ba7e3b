/**
 * The duration model (src/lib/server/ai/duration-model.ts) on small hand-checked cases: medians,
 * shrinkage of label and pace effects, the p10/p50/p90 of a prediction from its neighbours and
 * the prior, the assignee's pace, and the median baseline.
 */
import { describe, expect, it } from 'vitest';
import {
  medianBaseline,
  predictDuration,
  priorLog,
  shrunkMean,
  trainDurationPriors,
  weightedMedian,
  median,
  type DurationItem,
  type DurationPriors
} from '../../src/lib/server/ai/duration-model';

const item = (minutes: number, extra: Partial<DurationItem> = {}): DurationItem => ({
  kind: 'task',
  priority: 'medium',
  labels: [],
  assignee: null,
  durationMinutes: minutes,
  ...extra
});

/** Priors with no effects: every task is 100 minutes, spread 0.5 (log). */
const flatPriors = (pace: [string, number][] = []): DurationPriors => ({
  kindLog: new Map([['task', Math.log(100)]]),
  globalLog: Math.log(100),
  priorityEffect: new Map(),
  labelEffect: new Map(),
  pace: new Map(pace),
  sigma: 0.5,
  count: 10
});

describe('duration model helpers', () => {
  it('medians, weighted medians and shrunk means', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(weightedMedian([1, 2, 3], [1, 1, 5])).toBe(3);
    expect(weightedMedian([1, 2, 3], [3, 1, 1])).toBe(1);
    expect(shrunkMean(10, 2, 8)).toBe(1);
    expect(shrunkMean(10, 0, 0)).toBe(0);
  });
});

describe('training the priors', () => {
  it('takes the median per kind and shrinks label effects by how often the label is seen', () => {
    const items = [
      ...Array.from({ length: 100 }, () => item(100)),
      ...Array.from({ length: 2 }, () => item(400, { labels: ['rare'] })),
      ...Array.from({ length: 20 }, () => item(400, { labels: ['common'] })),
      item(30, { kind: 'incident' }),
      item(50, { kind: 'incident' })
    ];
    const priors = trainDurationPriors(items, { shrinkage: 8 });
    expect(priors.kindLog.get('task')).toBeCloseTo(Math.log(100), 10);
    expect(priors.kindLog.get('incident')).toBeCloseTo((Math.log(30) + Math.log(50)) / 2, 10);
    // both labels have the same residual; 2/(2+8) of it against 20/(20+8)
    const rare = priors.labelEffect.get('rare')!;
    const common = priors.labelEffect.get('common')!;
    expect(rare).toBeGreaterThan(0);
    expect(rare / common).toBeCloseTo(2 / 10 / (20 / 28), 10);
    expect(priorLog(priors, { kind: 'task', labels: ['common'] })).toBeGreaterThan(
      priorLog(priors, { kind: 'task', labels: ['rare'] })
    );
  });

  it("measures an assignee's pace against the typical duration of the same work, shrunk", () => {
    const items = [
      ...Array.from({ length: 10 }, () => item(200, { assignee: 'slow' })),
      ...Array.from({ length: 10 }, () => item(50, { assignee: 'fast' })),
      ...Array.from({ length: 10 }, () => item(100, { assignee: 'usual' }))
    ];
    const priors = trainDurationPriors(items, { shrinkage: 8 }, () => Math.log(100));
    expect(priors.pace.get('slow')).toBeCloseTo((10 * Math.log(2)) / 18, 10);
    expect(priors.pace.get('fast')).toBeCloseTo((10 * Math.log(0.5)) / 18, 10);
    expect(priors.pace.get('usual')).toBeCloseTo(0, 10);
  });

  it('skips open items', () => {
    const priors = trainDurationPriors([item(100), { ...item(0), durationMinutes: null }]);
    expect(priors.count).toBe(1);
  });
});

describe('predicting a duration', () => {
  it('takes the neighbours’ durations, with a log-normal range from their spread and the prior’s', () => {
    const neighbours = [
      { item: item(200), similarity: 1 },
      { item: item(200), similarity: 1 }
    ];
    const p = predictDuration({ kind: 'task' }, neighbours, flatPriors(), {
      priorWeight: 0,
      sigmaPriorWeight: 2,
      spreadScale: 1
    });
    expect(p.p50Minutes).toBeCloseTo(200, 8);
    // spread: neighbours agree (0), the prior's 0.5 with weight 2 of 4 → σ = √0.125
    const sigma = Math.sqrt(0.125);
    expect(p.p10Minutes).toBeCloseTo(200 * Math.exp(-1.2815515655446004 * sigma), 6);
    expect(p.p90Minutes).toBeCloseTo(200 * Math.exp(1.2815515655446004 * sigma), 6);
    expect(p.p10Minutes).toBeCloseTo(127.13, 1);
    expect(p.p90Minutes).toBeCloseTo(314.63, 1);
    expect(p.neighbours).toBe(2);
    expect(p.pace).toBeNull();
  });

  it('blends with the prior by weight: one neighbour of weight 1 and a prior of weight 1 meet halfway (in logs)', () => {
    const p = predictDuration(
      { kind: 'task' },
      [{ item: item(400), similarity: 1 }],
      flatPriors(),
      {
        priorWeight: 1,
        power: 2
      }
    );
    expect(p.p50Minutes).toBeCloseTo(200, 8);
  });

  it('falls back to the prior without neighbours above the similarity floor', () => {
    const p = predictDuration(
      { kind: 'task' },
      [{ item: item(5000), similarity: 0.05 }],
      flatPriors(),
      { minSimilarity: 0.15 }
    );
    expect(p.p50Minutes).toBeCloseTo(100, 8);
    expect(p.neighbours).toBe(0);
  });

  it("applies the assignee's pace, and takes the neighbours' own paces out", () => {
    const priors = flatPriors([
      ['fast', Math.log(0.5)],
      ['slow', Math.log(2)]
    ]);
    const opts = { priorWeight: 0 };
    // a slow person's 400 minutes is 200 for a typical one, 100 for a fast one
    const neighbours = [{ item: item(400, { assignee: 'slow' }), similarity: 1 }];
    expect(predictDuration({ kind: 'task' }, neighbours, priors, opts).p50Minutes).toBeCloseTo(
      200,
      8
    );
    const fast = predictDuration({ kind: 'task', assignee: 'fast' }, neighbours, priors, opts);
    expect(fast.p50Minutes).toBeCloseTo(100, 8);
    expect(fast.pace).toBeCloseTo(0.5, 10);
  });

  it('keeps p10 < p50 < p90', () => {
    const neighbours = [30, 60, 90, 600].map((m, i) => ({
      item: item(m),
      similarity: 0.5 + i / 10
    }));
    const p = predictDuration(
      { kind: 'task', priority: 'high', labels: ['x'] },
      neighbours,
      flatPriors()
    );
    expect(p.p10Minutes).toBeLessThan(p.p50Minutes);
    expect(p.p50Minutes).toBeLessThan(p.p90Minutes);
  });
});

describe('the median baseline', () => {
  it('is the median of past items of the same kind, else of all', () => {
    const baseline = medianBaseline([
      item(10),
      item(20),
      item(90),
      item(5, { kind: 'incident' }),
      item(7, { kind: 'incident' })
    ]);
    expect(baseline('task')).toBe(20);
    expect(baseline('incident')).toBe(6);
    expect(baseline('change')).toBe(10);
  });
});
