/**
 * The assignee model (src/lib/server/ai/assignee-model.ts) on small hand-checked cases: who
 * resolved similar work and the reason naming it, on-call and load, who is never suggested, the
 * auto-apply threshold, and the most-frequent baseline.
 */
import { describe, expect, it } from 'vitest';
import {
  AUTO_APPLY_CONFIDENCE,
  assigneeFrequency,
  autoApplicable,
  labelCounts,
  mostFrequentAssignees,
  suggestAssignees,
  type AssigneeCandidate,
  type AssigneeItem
} from '../../src/lib/server/ai/assignee-model';
import { seededRandom } from '../helpers/random';

const past = (
  assignee: string,
  labels: string[] = ['mysql', 'database'],
  kind: AssigneeItem['kind'] = 'incident'
): AssigneeItem => ({
  kind,
  labels,
  assignee
});
const member = (id: string, extra: Partial<AssigneeCandidate> = {}): AssigneeCandidate => ({
  id,
  role: 'operator',
  active: true,
  onCall: false,
  load: 0,
  ...extra
});

describe('suggesting assignees', () => {
  it('puts first who resolved the similar work, with the count and topic as the reason', () => {
    const neighbours = [
      ...Array.from({ length: 6 }, () => ({ item: past('alice'), similarity: 0.9 })),
      ...Array.from({ length: 2 }, () => ({
        item: past('bob', ['redis', 'database']),
        similarity: 0.5
      }))
    ];
    const out = suggestAssignees({ kind: 'incident', labels: ['mysql', 'database'] }, neighbours, [
      member('alice'),
      member('bob'),
      member('carol')
    ]);
    expect(out.map((s) => s.id)).toEqual(['alice', 'bob']);
    expect(out[0]!.reasons[0]).toEqual({ kind: 'resolved_similar', count: 6, topic: 'mysql' });
    // bob's similar work was about redis and database; database is on the query
    expect(out[1]!.reasons[0]).toEqual({ kind: 'resolved_similar', count: 2, topic: 'database' });
    expect(out[0]!.confidence).toBeGreaterThan(out[1]!.confidence);
    const total = out.reduce((a, s) => a + s.confidence, 0);
    expect(total).toBeCloseTo(1, 10); // carol scored 0: the two share everything
  });

  it('never suggests a viewer or an inactive member, however much similar work they did', () => {
    const neighbours = [
      ...Array.from({ length: 5 }, () => ({ item: past('gone'), similarity: 0.95 })),
      ...Array.from({ length: 5 }, () => ({ item: past('watcher'), similarity: 0.95 })),
      { item: past('alice'), similarity: 0.3 }
    ];
    const out = suggestAssignees({ kind: 'incident', labels: ['mysql'] }, neighbours, [
      member('gone', { active: false }),
      member('watcher', { role: 'viewer' }),
      member('alice')
    ]);
    expect(out.map((s) => s.id)).toEqual(['alice']);
    expect(
      suggestAssignees({ kind: 'task' }, neighbours, [member('gone', { active: false })])
    ).toEqual([]);
  });

  it('prefers the less loaded of two equally fitting people', () => {
    const neighbours = [
      { item: past('alice'), similarity: 0.8 },
      { item: past('bob'), similarity: 0.8 }
    ];
    const out = suggestAssignees({ kind: 'task', labels: ['mysql'] }, neighbours, [
      member('alice', { load: 5 }),
      member('bob', { load: 0 })
    ]);
    expect(out.map((s) => s.id)).toEqual(['bob', 'alice']);
    expect(out[0]!.reasons).toContainEqual({ kind: 'light_load', open: 0 });
    // 1/(1 + 0.4·5) = 1/3 of the score
    expect(out[1]!.score / out[0]!.score).toBeCloseTo(1 / 3, 10);
  });

  it('weighs on-call for incidents only, by the share given', () => {
    const candidates = [member('alice'), member('oncall', { onCall: true })];
    const neighbours = [{ item: past('alice'), similarity: 0.9 }];
    const incident = suggestAssignees({ kind: 'incident' }, neighbours, candidates, {
      onCallShare: 0.7
    });
    expect(incident[0]!.id).toBe('oncall');
    expect(incident[0]!.reasons[0]).toEqual({ kind: 'on_call' });
    const task = suggestAssignees({ kind: 'task' }, neighbours, candidates, { onCallShare: 0.7 });
    expect(task.map((s) => s.id)).toEqual(['alice']);
  });

  it('uses the share of past work with the same labels when neighbours are few', () => {
    const history = [
      past('alice', ['kafka']),
      past('alice', ['kafka']),
      past('bob', ['kafka']),
      past('bob', ['nginx'])
    ];
    const out = suggestAssignees(
      { kind: 'task', labels: ['kafka'] },
      [],
      [member('alice'), member('bob')],
      {
        labelCounts: labelCounts(history),
        frequency: assigneeFrequency(history)
      }
    );
    expect(out.map((s) => s.id)).toEqual(['alice', 'bob']);
    expect(out[0]!.reasons[0]).toEqual({ kind: 'frequent', count: 2 });
  });
});

describe('the auto-apply threshold', () => {
  it('applies at or above the threshold, never below it, never without a suggestion', () => {
    expect(AUTO_APPLY_CONFIDENCE).toBeGreaterThanOrEqual(0.5);
    expect(autoApplicable({ confidence: AUTO_APPLY_CONFIDENCE })).toBe(true);
    expect(autoApplicable({ confidence: AUTO_APPLY_CONFIDENCE - 1e-9 })).toBe(false);
    expect(autoApplicable({ confidence: 0 })).toBe(false);
    expect(autoApplicable(undefined)).toBe(false);
  });

  it('is never reached by a suggestion below it, on random histories', () => {
    const rand = seededRandom(4);
    const people = ['a', 'b', 'c', 'd', 'e'];
    let applied = 0;
    for (let round = 0; round < 300; round++) {
      const neighbours = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => ({
        item: past(people[Math.floor(rand() * people.length)]!),
        similarity: rand()
      }));
      const candidates = people.map((id) =>
        member(id, { load: Math.floor(rand() * 4), onCall: rand() < 0.2 })
      );
      const [top] = suggestAssignees(
        { kind: rand() < 0.5 ? 'incident' : 'task' },
        neighbours,
        candidates
      );
      if (autoApplicable(top)) {
        applied++;
        expect(top!.confidence).toBeGreaterThanOrEqual(AUTO_APPLY_CONFIDENCE);
      } else if (top) expect(top.confidence).toBeLessThan(AUTO_APPLY_CONFIDENCE);
    }
    // both sides of the threshold were exercised
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(300);
  });
});

describe('the most-frequent baseline', () => {
  it('orders past assignees by count, ties by id, optionally only eligible ones', () => {
    const items = [past('b'), past('a'), past('b'), past('c'), past('a'), past('b')];
    expect(mostFrequentAssignees(items)).toEqual(['b', 'a', 'c']);
    expect(mostFrequentAssignees(items, new Set(['a', 'c']))).toEqual(['a', 'c']);
  });
});
