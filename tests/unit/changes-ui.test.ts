/**
 * The change pages' decisions made in the browser: the calendar's geometry (days of a view,
 * where a window falls in a day, lanes of overlapping windows, local times read in a zone
 * around a daylight-saving change) and the actions a viewer is offered, with the reason a
 * refused one is refused (the requester never approves their own change).
 */
import { describe, expect, it } from 'vitest';
import {
  lanes,
  localInZone,
  segmentIn,
  shiftAnchor,
  viewDays,
  viewRange,
  zonedInstant
} from '../../src/lib/changes/calendar';
import { actionsFor, stepperOf } from '../../src/lib/changes/change-view';
import type { ChangeView } from '../../src/lib/shared/changes/schema';

describe('calendar', () => {
  it('a week runs Monday to Sunday, a month whole weeks', () => {
    const week = viewDays('week', new Date(2026, 11, 5)); // Saturday 5 December 2026
    expect(week).toHaveLength(7);
    expect(week[0]!.getDay()).toBe(1);
    expect(week[0]!.getDate()).toBe(30);
    const month = viewDays('month', new Date(2026, 11, 5));
    expect(month.length % 7).toBe(0);
    expect(month[0]!.getDay()).toBe(1);
    expect(month.some((d) => d.getMonth() === 11 && d.getDate() === 31)).toBe(true);
    const range = viewRange('week', new Date(2026, 11, 5));
    expect(range.to.getTime() - range.from.getTime()).toBe(7 * 86_400_000);
    expect(shiftAnchor('month', new Date(2026, 11, 5), 1).getMonth()).toBe(0);
  });

  it('places a window in a day in minutes, cut at midnight', () => {
    const day = new Date(2026, 11, 5);
    const start = new Date(2026, 11, 5, 22, 0).toISOString();
    const end = new Date(2026, 11, 6, 2, 0).toISOString();
    expect(segmentIn(day, start, end)).toMatchObject({
      top: 22 * 60,
      bottom: 1440,
      startsBefore: false,
      endsAfter: true
    });
    expect(segmentIn(new Date(2026, 11, 6), start, end)).toMatchObject({
      top: 0,
      bottom: 120,
      startsBefore: true
    });
    expect(segmentIn(new Date(2026, 11, 7), start, end)).toBeNull();
  });

  it('puts overlapping windows side by side', () => {
    const out = lanes([
      { top: 0, bottom: 120 },
      { top: 60, bottom: 180 },
      { top: 300, bottom: 360 }
    ]);
    expect(out.map((s) => [s.lane, s.laneCount])).toEqual([
      [0, 2],
      [1, 2],
      [0, 1]
    ]);
  });

  it('reads a local time in a zone, across a daylight-saving change', () => {
    expect(zonedInstant('2026-12-05T09:30', 'Asia/Shanghai')).toBe('2026-12-05T01:30:00.000Z');
    // New York leaves daylight saving on 1 November 2026 at 02:00.
    expect(zonedInstant('2026-10-31T09:00', 'America/New_York')).toBe('2026-10-31T13:00:00.000Z');
    expect(zonedInstant('2026-11-02T09:00', 'America/New_York')).toBe('2026-11-02T14:00:00.000Z');
    expect(zonedInstant('not a time', 'UTC')).toBeNull();
  });

  it('shows an instant as a local time in a zone, the way the edit form fills it', () => {
    expect(localInZone('2026-12-05T01:30:00.000Z', 'Asia/Shanghai')).toBe('2026-12-05T09:30');
    expect(localInZone('2026-11-02T14:00:00.000Z', 'America/New_York')).toBe('2026-11-02T09:00');
    const local = '2026-07-01T23:45';
    expect(localInZone(zonedInstant(local, 'Europe/Berlin')!, 'Europe/Berlin')).toBe(local);
  });
});

function change(overrides: Partial<ChangeView>): ChangeView {
  return {
    id: 'c1',
    key: 'OPS-1',
    title: 'Upgrade',
    state: 'submitted',
    type: 'normal',
    risk: 'medium',
    items: [],
    windowStart: '2026-12-06T10:00:00.000Z',
    windowEnd: '2026-12-06T12:00:00.000Z',
    timeZone: 'UTC',
    requester: 'requester',
    reviewPending: false,
    createdAt: '2026-12-05T00:00:00.000Z',
    updatedAt: '2026-12-05T00:00:00.000Z',
    impact: '',
    plan: '',
    rollbackPlan: '',
    testPlan: '',
    approvers: [],
    approvals: [],
    requirements: [],
    conflicts: [],
    events: [],
    causedIncidents: [],
    submittedAt: null,
    approvedAt: null,
    startedAt: null,
    finishedAt: null,
    ...overrides
  };
}

describe('actions', () => {
  it('the requester cannot approve their own change, even as an admin', () => {
    const actions = actionsFor(change({}), { id: 'requester', role: 'admin' });
    const approve = actions.find((a) => a.verb === 'approve');
    expect(approve?.refused).toBe('selfApproval');
    expect(actions.find((a) => a.verb === 'cancel')?.refused).toBeNull();
  });

  it('another operator may approve; a member may not; one who decided may not again', () => {
    expect(
      actionsFor(change({}), { id: 'op', role: 'operator' }).find((a) => a.verb === 'approve')
        ?.refused
    ).toBeNull();
    expect(
      actionsFor(change({}), { id: 'm', role: 'member' }).find((a) => a.verb === 'approve')?.refused
    ).toBe('role');
    const decided = change({
      approvals: [
        {
          userId: 'op',
          decision: 'approve',
          kind: 'approval',
          role: 'operator',
          at: '2026-12-05T01:00:00Z'
        }
      ]
    });
    expect(
      actionsFor(decided, { id: 'op', role: 'operator' }).find((a) => a.verb === 'approve')?.refused
    ).toBe('alreadyDecided');
  });

  it('offers the moves of each state, implementation to operators only', () => {
    const verbs = (state: ChangeView['state'], role: 'member' | 'operator' = 'operator') =>
      actionsFor(change({ state }), { id: 'x', role }).map((a) => [a.verb, a.refused]);
    expect(verbs('draft')).toEqual([
      ['submit', null],
      ['cancel', null]
    ]);
    expect(verbs('approved')).toEqual([
      ['schedule', null],
      ['cancel', null]
    ]);
    expect(verbs('in_progress', 'member')).toEqual([
      ['complete', 'role'],
      ['fail', 'role'],
      ['rollBack', 'role'],
      ['cancel', 'role']
    ]);
    expect(verbs('completed')).toEqual([]);
    expect(
      actionsFor(change({ type: 'emergency' }), { id: 'x', role: 'operator' }).map((a) => a.verb)
    ).toContain('start');
  });

  it('the stepper shows where the change is, and a rejection ends it', () => {
    const steps = stepperOf(
      change({
        state: 'rejected',
        events: [
          { seq: 1, from: 'draft', to: 'submitted', actor: 'r', at: '2026-12-05T01:00:00Z' },
          { seq: 2, from: 'submitted', to: 'rejected', actor: 'a', at: '2026-12-05T02:00:00Z' }
        ]
      })
    );
    expect(steps.map((s) => [s.state, s.status])).toEqual([
      ['draft', 'done'],
      ['submitted', 'done'],
      ['rejected', 'current']
    ]);
  });
});
