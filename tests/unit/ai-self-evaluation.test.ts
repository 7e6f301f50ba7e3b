/**
 * The in-app self-evaluation's pure parts (docs/ai-models.md "Evaluate on your own data"): the
 * recall stand-in (kind + labels), languages and phrasings of a workspace's items, the default
 * split, the candidates, the sliced replay (the same report as `replay`, with pauses), and the
 * verdicts the page words.
 */
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../bench/ai/dataset';
import { evalItems } from '../../bench/ai/ai-eval';
import { replay, replayInSlices, type ReplayStep } from '../../src/lib/server/ai/evaluation';
import {
  enoughHistory,
  evaluationCandidates,
  evaluationItems,
  historyCounts,
  lastQuarterSplit
} from '../../src/lib/server/ai/evaluation-items';
import { historyText, type HistoryItem } from '../../src/lib/server/ai/history';
import { LexicalEmbedder } from '../../src/lib/server/ai/lexical-embedder';
import {
  assigneeVerdict,
  calibrationVerdict,
  durationVerdict,
  similarVerdict,
  type EvaluationReportJson
} from '../../src/lib/shared/ai/evaluation';

function item(id: string, day: number, extra: Partial<HistoryItem> = {}): HistoryItem {
  const createdAt = new Date(Date.UTC(2025, 0, 1 + day)).toISOString();
  const finishedAt = new Date(Date.UTC(2025, 0, 1 + day, 2)).toISOString();
  return {
    id,
    title: `item ${id}`,
    description: '',
    kind: 'task',
    priority: 'none',
    labels: [],
    assignee: null,
    createdAt,
    startedAt: null,
    acknowledgedAt: null,
    resolvedAt: null,
    doneAt: finishedAt,
    finishedAt,
    durationMinutes: 120,
    ...extra
  };
}

describe('evaluation items of a workspace', () => {
  it('groups by kind and label set, tells Chinese from English and keeps phrasings apart', () => {
    const items = evaluationItems([
      item('b', 2, { labels: ['mysql', 'db'], title: 'MySQL  replication lag' }),
      item('a', 1, { labels: ['db', 'mysql'], title: 'mysql replication lag' }),
      item('c', 3, { labels: ['db', 'mysql'], kind: 'incident', title: 'MySQL 主从延迟' }),
      item('d', 4, { title: 'no labels' })
    ]);
    expect(items.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(items[0]!.group).toBe(items[1]!.group);
    expect(items[2]!.group).not.toBe(items[0]!.group);
    expect(items[3]!.group).toBe('solo|d');
    expect(items.map((i) => i.lang)).toEqual(['en', 'en', 'zh', 'en']);
    // Same title, case and spaces aside: the same phrasing (left out of its own pool).
    expect(items[0]!.variant).toBe(items[1]!.variant);
    expect(items[2]!.variant).not.toBe(items[0]!.variant);
  });

  it('keeps the newest items only', () => {
    const items = evaluationItems(
      [1, 2, 3, 4, 5].map((d) => item(String(d), d)),
      3
    );
    expect(items.map((i) => i.id)).toEqual(['3', '4', '5']);
  });

  it('splits at the last quarter of the finished items and counts both sides', () => {
    const history = [
      ...Array.from({ length: 40 }, (_, d) => item(`f${d}`, d)),
      item('open', 50, { doneAt: null, finishedAt: null, durationMinutes: null })
    ];
    const split = lastQuarterSplit(history)!;
    expect(split).toBe(history[30]!.createdAt);
    const counts = historyCounts(history, split);
    expect(counts).toEqual({ finished: 40, before: 30, after: 10 });
    expect(enoughHistory(counts)).toBe(true);
    expect(enoughHistory(historyCounts(history.slice(0, 39), split))).toBe(false);
    expect(enoughHistory(historyCounts(history, history[35]!.createdAt))).toBe(false);
    expect(lastQuarterSplit([])).toBeNull();
  });

  it('counts whoever was assigned work as an active member; other viewers stay viewers', () => {
    const candidates = evaluationCandidates(
      [
        { id: 'u2', role: 'admin' },
        { id: 'u1', role: 'viewer' },
        { id: 'u3', role: 'viewer' }
      ],
      [{ assignee: 'u1' }, { assignee: 'gone' }, { assignee: null }]
    );
    expect(candidates).toEqual([
      { id: 'gone', role: 'member', active: true },
      { id: 'u1', role: 'member', active: true },
      { id: 'u2', role: 'admin', active: true },
      { id: 'u3', role: 'viewer', active: true }
    ]);
  });
});

describe('the sliced replay', () => {
  it('gives the same report as replay, pausing with its progress', async () => {
    const dataset = generateDataset({ series: false, seed: 5 });
    const items = evalItems(dataset).slice(0, 200);
    const vectors = await new LexicalEmbedder().embed(items.map(historyText));
    const options = { splitAt: items[150]!.createdAt, idf: true };
    const steps: ReplayStep[] = [];
    const sliced = await replayInSlices(items, vectors, {
      ...options,
      sliceMs: 0,
      onStep: (step) => steps.push(step)
    });
    expect(sliced).toEqual(replay(items, vectors, options));
    expect(steps.length).toBeGreaterThan(200);
    const total = steps[0]!.total;
    expect(total).toBe(200 + 2 * sliced.testItems);
    expect(steps.map((s) => s.done)).toEqual(steps.map((_, i) => i + 1));
  });

  it('stops when a pause throws', async () => {
    const items = evalItems(generateDataset({ series: false })).slice(0, 50);
    const vectors = await new LexicalEmbedder().embed(items.map(historyText));
    await expect(
      replayInSlices(items, vectors, {
        splitAt: items[40]!.createdAt,
        sliceMs: 0,
        onStep: () => {
          throw new Error('closing');
        }
      })
    ).rejects.toThrow('closing');
  });
});

describe('verdicts', () => {
  const report = (over: {
    ratio?: number | null;
    calibration?: number | null;
    top3?: number | null;
    baselineTop3?: number | null;
    recall?: number | null;
  }): EvaluationReportJson => ({
    trainItems: 100,
    testItems: 30,
    similar:
      over.recall === undefined
        ? null
        : {
            paraphrase: { recall: over.recall, queries: 30 },
            crossLanguage: { recall: null, queries: 0 }
          },
    duration: {
      n: 30,
      mae: 10,
      baselineMae: 20,
      ratio: over.ratio === undefined ? 0.5 : over.ratio,
      calibration: over.calibration === undefined ? 0.8 : over.calibration
    },
    assignee: {
      n: 30,
      top1: 0.4,
      top3: over.top3 === undefined ? 0.9 : over.top3,
      baselineTop1: 0.1,
      baselineTop3: over.baselineTop3 === undefined ? 0.4 : over.baselineTop3
    }
  });

  it('trusts a duration model at 0.7 × its baseline or better, ignores one that does not beat it', () => {
    expect(durationVerdict(report({ ratio: 0.62 }))).toEqual({ trust: 'trust', percent: 38 });
    expect(durationVerdict(report({ ratio: 0.85 }))).toEqual({ trust: 'hint', percent: 15 });
    expect(durationVerdict(report({ ratio: 1.1 })).trust).toBe('ignore');
    expect(durationVerdict(report({ ratio: null })).trust).toBe('unknown');
  });

  it('judges assignees by top-3 against the most frequent people', () => {
    expect(assigneeVerdict(report({ top3: 0.81, baselineTop3: 0.41 }))).toEqual({
      trust: 'trust',
      percent: 40
    });
    expect(assigneeVerdict(report({ top3: 0.6, baselineTop3: 0.41 })).trust).toBe('hint');
    expect(assigneeVerdict(report({ top3: 0.4, baselineTop3: 0.41 })).trust).toBe('ignore');
  });

  it('judges recall@5 and calibration', () => {
    expect(similarVerdict(report({ recall: 0.95 }))).toEqual({ trust: 'trust', percent: 95 });
    expect(similarVerdict(report({ recall: 0.7 })).trust).toBe('hint');
    expect(similarVerdict(report({ recall: 0.3 })).trust).toBe('ignore');
    expect(similarVerdict(report({})).trust).toBe('unknown');
    expect(calibrationVerdict(report({ calibration: 0.81 }))).toBe('good');
    expect(calibrationVerdict(report({ calibration: 0.5 }))).toBe('narrow');
    expect(calibrationVerdict(report({ calibration: 0.97 }))).toBe('wide');
  });
});
