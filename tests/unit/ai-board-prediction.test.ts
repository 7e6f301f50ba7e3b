/**
 * The board's reading of a prediction (shared/ai/board-prediction.ts): the due-date risk from the
 * creation time, p50/p90 and the clock, the chip's short durations, and the board's quick filter
 * with the "at risk" test (board/quick-filter.ts `keep`).
 */
import { describe, expect, it } from 'vitest';
import { dueRiskOf, likelyFinish, shortDuration } from '../../src/lib/shared/ai/board-prediction';
import { filterColumns, isEmptyFilter } from '../../src/lib/board/quick-filter';
import type { Task } from '../../src/lib/shared/board/schema';

const T0 = Date.parse('2026-05-01T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;
const duration = { p50Minutes: 120, p90Minutes: 480 };

describe('due-date risk', () => {
  const created = iso(T0);
  it('is late when creation plus p50 is after the due date', () => {
    expect(dueRiskOf({ createdAt: created, dueAt: iso(T0 + 60 * MIN) }, duration, T0)).toBe('late');
  });
  it('is at risk when only creation plus p90 is after it', () => {
    expect(dueRiskOf({ createdAt: created, dueAt: iso(T0 + 240 * MIN) }, duration, T0)).toBe(
      'at_risk'
    );
  });
  it('is none when even p90 is before it, or without a due date', () => {
    expect(dueRiskOf({ createdAt: created, dueAt: iso(T0 + 600 * MIN) }, duration, T0)).toBeNull();
    expect(dueRiskOf({ createdAt: created, dueAt: null }, duration, T0)).toBeNull();
  });
  it('never puts the finish before now: an open card past its due date is late', () => {
    const now = T0 + 3 * 24 * 60 * MIN;
    const dueAt = iso(T0 + 2 * 24 * 60 * MIN);
    expect(dueRiskOf({ createdAt: created, dueAt }, duration, now)).toBe('late');
    expect(likelyFinish(created, 120, now)).toBe(now);
    expect(likelyFinish(created, 120, T0)).toBe(T0 + 120 * MIN);
  });
});

describe('short durations', () => {
  it('says minutes, hours or days, rounded', () => {
    expect(shortDuration(0.2)).toEqual({ key: 'aiBoard.short.minutes', params: { n: 1 } });
    expect(shortDuration(45)).toEqual({ key: 'aiBoard.short.minutes', params: { n: 45 } });
    expect(shortDuration(150)).toEqual({ key: 'aiBoard.short.hours', params: { n: 3 } });
    expect(shortDuration(3 * 24 * 60 + 100)).toEqual({
      key: 'aiBoard.short.days',
      params: { n: 3 }
    });
  });
});

describe('the at-risk quick filter', () => {
  const task = (id: string) => ({ id, title: id, key: null, assignee: null }) as unknown as Task;
  const columns = [{ id: 'todo', tasks: [task('a'), task('b'), task('c')] }];
  it('keeps only the cards its test keeps, and counts as a filter', () => {
    const risky = new Set(['b']);
    const filter = { text: '', mine: null, keep: (t: Task) => risky.has(t.id) };
    expect(isEmptyFilter(filter)).toBe(false);
    expect(filterColumns(columns, filter)[0]!.tasks.map((t) => t.id)).toEqual(['b']);
    expect(isEmptyFilter({ text: '', mine: null, keep: null })).toBe(true);
  });
});
