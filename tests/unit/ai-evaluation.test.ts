/**
 * The time-ordered evaluation (src/lib/server/ai/evaluation.ts) on the generated bilingual set
 * (bench/ai/dataset.ts): the set is deterministic and well formed, exports as runboard-json,
 * and on the held-out last quarter, with the lexical embedder, every model beats its plain baseline and the issue's
 * targets. Not timed. Also the history reader (src/lib/server/ai/history.ts) on board and
 * archive tasks.
 */
import { describe, expect, it } from 'vitest';
import { runAiEvaluation } from '../../bench/ai/ai-eval';
import { generateDataset, toRunboardJson } from '../../bench/ai/dataset';
import { replay, similarityMatrix, type EvalItem } from '../../src/lib/server/ai/evaluation';
import { LexicalEmbedder } from '../../src/lib/server/ai/lexical-embedder';
import {
  historyItemOfTask,
  openLoad,
  readHistory,
  type ArchiveLike,
  type TaskLike
} from '../../src/lib/server/ai/history';

describe('the evaluation set', () => {
  const a = generateDataset({ series: false });

  it('is the same for the same seed and differs for another', () => {
    const b = generateDataset({ series: false });
    expect(b.items).toEqual(a.items);
    const c = generateDataset({ seed: 18, series: false });
    expect(c.items.map((i) => i.title)).not.toEqual(a.items.map((i) => i.title));
  });

  it('has several hundred items over a year, in both languages, with lifecycles in order', () => {
    expect(a.items.length).toBeGreaterThan(600);
    expect(a.items.length).toBeLessThan(1000);
    expect(new Set(a.items.map((i) => i.lang))).toEqual(new Set(['en', 'zh']));
    expect(a.items.some((i) => /[\u4e00-\u9fff]/.test(i.title))).toBe(true);
    const groups = new Map<string, Set<string>>();
    for (const i of a.items) groups.set(i.group, (groups.get(i.group) ?? new Set()).add(i.lang));
    expect([...groups.values()].every((langs) => langs.size === 2)).toBe(true);
    for (const i of a.items) {
      const created = Date.parse(i.createdAt);
      expect(Date.parse(i.startedAt!)).toBeGreaterThanOrEqual(created);
      expect(Date.parse(i.doneAt!) - created).toBe(i.durationMinutes * 60_000);
      if (i.kind === 'incident') {
        expect(Date.parse(i.acknowledgedAt!)).toBeGreaterThan(created);
        expect(i.resolvedAt).toBe(i.doneAt);
      }
    }
  });

  it('labels injected anomalies in its alert series', () => {
    const full = generateDataset();
    const service = full.series.filter((s) => s.key.startsWith('service:'));
    expect(service.length).toBeGreaterThanOrEqual(10);
    for (const s of service) {
      expect(s.values).toHaveLength(365 * 24);
      expect(s.anomalies.length).toBeGreaterThan(3);
    }
  });

  it('exports as runboard-json rows (DESIGN.md §2)', () => {
    const rows = toRunboardJson(a);
    expect(rows).toHaveLength(a.items.length);
    const emails = new Set(a.people.map((p) => p.email));
    for (const row of rows.slice(0, 50)) {
      expect(row.status).toBe('Done');
      expect(emails.has(row.assignee!)).toBe(true);
      expect(row.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(row.doneAt).toBeDefined();
    }
  });
});

describe('the time-ordered replay', () => {
  it('beats every baseline and the targets on the held-out last quarter', async () => {
    const r = await runAiEvaluation(new LexicalEmbedder(), 'test');
    const { duration, assignee, similar } = r.replay;
    expect(r.replay.testItems).toBeGreaterThan(150);
    expect(duration.mae).toBeLessThanOrEqual(0.7 * duration.baselineMae);
    expect(duration.calibration).toBeGreaterThan(0.7);
    expect(duration.calibration).toBeLessThan(0.9);
    expect(assignee.top1).toBeGreaterThan(assignee.baselineTop1);
    expect(assignee.top3).toBeGreaterThan(assignee.baselineTop3);
    expect(assignee.top3).toBeGreaterThanOrEqual(0.8);
    expect(similar!.paraphrase.recall).toBeGreaterThanOrEqual(0.9);
    expect(similar!.crossLanguage.recall).toBeGreaterThanOrEqual(0.6);
    expect(r.anomaly.service.precision).toBeGreaterThanOrEqual(0.8);
    expect(r.anomaly.service.recall).toBeGreaterThanOrEqual(0.8);
  });

  it('never lets a test item see work finished after it was created', () => {
    // two identical items: the later one may learn from the earlier only once that is finished
    const base = {
      title: 'Disk full',
      description: '',
      kind: 'task' as const,
      priority: 'medium' as const,
      labels: ['disk'],
      startedAt: null,
      acknowledgedAt: null,
      resolvedAt: null
    };
    const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h)).toISOString();
    const items: EvalItem[] = [
      {
        ...base,
        id: 'a',
        assignee: 'y',
        createdAt: at(0),
        doneAt: at(10),
        finishedAt: at(10),
        durationMinutes: 600
      },
      // created while `a` is still open: nothing to learn from, so the prior of no history
      {
        ...base,
        id: 'b',
        assignee: 'y',
        createdAt: at(5),
        doneAt: at(6),
        finishedAt: at(6),
        durationMinutes: 60
      }
    ];
    const v = new Float32Array([1, 0]);
    const r = replay(items, [v, v], { splitAt: at(1) });
    expect(r.testItems).toBe(1);
    expect(r.assignee.n).toBe(1);
    // had `a` leaked, y (its assignee) would be suggested and its 600 minutes predicted; with
    // no history the suggestion is empty and the duration the no-history prior (60 minutes)
    expect(r.assignee.top3).toBe(0);
    expect(r.assignee.baselineTop3).toBe(0);
    expect(r.duration.mae).toBeCloseTo(0, 6);
  });

  it('computes cosine similarities of normalised vectors', () => {
    const s = Math.SQRT1_2;
    const m = similarityMatrix([
      new Float32Array([1, 0]),
      new Float32Array([s, s]),
      new Float32Array([0, 1])
    ]);
    expect(m[0]).toBeCloseTo(1);
    expect(m[1]).toBeCloseTo(s);
    expect(m[2]).toBeCloseTo(0);
    expect(m[3]).toBeCloseTo(s);
  });
});

describe('reading the history', () => {
  const task = (id: string, extra: Partial<TaskLike> = {}): TaskLike => ({
    id,
    title: `Task ${id}`,
    kind: 'task',
    priority: 'medium',
    labels: ['l1'],
    assignee: 'u1',
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    acknowledgedAt: null,
    resolvedAt: null,
    doneAt: null,
    ...extra
  });

  it('takes an incident’s duration to resolve and a task’s to done, with label names', () => {
    const incident = historyItemOfTask(
      task('i', {
        kind: 'incident',
        resolvedAt: '2026-01-01T01:30:00.000Z',
        doneAt: '2026-01-02T00:00:00.000Z'
      }),
      new Map([['l1', 'mysql']])
    );
    expect(incident.durationMinutes).toBe(90);
    expect(incident.labels).toEqual(['mysql']);
    const done = historyItemOfTask(task('t', { doneAt: '2026-01-01T02:00:00.000Z' }));
    expect(done.durationMinutes).toBe(120);
    expect(done.labels).toEqual(['l1']);
    const open = historyItemOfTask(task('o'));
    expect(open.finishedAt).toBeNull();
    expect(open.durationMinutes).toBeNull();
  });

  it('reads every archive page and the board, the board winning, oldest first, capped', async () => {
    const archived = Array.from({ length: 5 }, (_, i) =>
      task(`a${i}`, {
        createdAt: `2025-0${i + 1}-01T00:00:00.000Z`,
        doneAt: '2025-12-01T00:00:00.000Z'
      })
    );
    const pages: (string | undefined)[] = [];
    const archive: ArchiveLike = {
      async list(_ws, query) {
        pages.push(query.cursor);
        const from = query.cursor ? Number(query.cursor) : 0;
        const items = archived.slice(from, from + query.limit!).map((t) => ({ task: t }));
        const next = from + query.limit!;
        return { items, nextCursor: next < archived.length ? String(next) : null };
      }
    };
    const board = [
      task('a4', { title: 'newer copy', createdAt: '2025-05-01T00:00:00.000Z' }),
      task('b1')
    ];
    const history = await readHistory({
      workspaceId: 'w',
      boardTasks: board,
      labels: [],
      archive,
      pageSize: 2
    });
    expect(pages).toEqual([undefined, '2', '4']);
    expect(history.map((h) => h.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b1']);
    expect(history.find((h) => h.id === 'a4')!.title).toBe('newer copy');
    const capped = await readHistory({
      workspaceId: 'w',
      boardTasks: board,
      labels: [],
      archive,
      maxItems: 2
    });
    expect(capped.map((h) => h.id)).toEqual(['a4', 'b1']);
    // open load now: b1 is open, a4 (board copy) is open too
    expect(openLoad(history, '2026-06-01T00:00:00.000Z').get('u1')).toBe(2);
  });
});
