/**
 * Who is on call when (src/lib/server/oncall/rotation.ts): daily and weekly handoffs at a wall
 * time in the team's zone, across daylight-saving changes, with overrides on top.
 */
import { describe, expect, it } from 'vitest';
import { onCallAt, shiftsBetween } from '../../src/lib/server/oncall/rotation';
import { zonedTime } from '../../src/lib/shared/zoned-time';
import { rotationSchema } from '../../src/lib/shared/oncall/schema';

const at = (iso: string) => Date.parse(iso);

describe('zonedTime', () => {
  it('turns a wall time into the instant, in zones with and without daylight saving', () => {
    expect(
      new Date(zonedTime({ year: 2026, month: 12, day: 7 }, 9 * 60, 'Asia/Shanghai')).toISOString()
    ).toBe('2026-12-07T01:00:00.000Z');
    // New York: EST (UTC−5) in winter, EDT (UTC−4) in summer.
    expect(
      new Date(
        zonedTime({ year: 2026, month: 1, day: 5 }, 9 * 60, 'America/New_York')
      ).toISOString()
    ).toBe('2026-01-05T14:00:00.000Z');
    expect(
      new Date(
        zonedTime({ year: 2026, month: 7, day: 6 }, 9 * 60, 'America/New_York')
      ).toISOString()
    ).toBe('2026-07-06T13:00:00.000Z');
    // 02:30 does not exist on 2026-03-08 in New York: it is moved forward by the gap.
    expect(
      new Date(zonedTime({ year: 2026, month: 3, day: 8 }, 150, 'America/New_York')).toISOString()
    ).toBe('2026-03-08T07:30:00.000Z');
  });
});

describe('onCallAt', () => {
  const daily = rotationSchema.parse({
    participants: ['ann', 'bo', 'cy'],
    handoff: 'daily',
    handoffTime: '09:00',
    startDate: '2026-12-07'
  });

  it('passes the turn every day at the handoff time in the zone', () => {
    const who = (iso: string) => onCallAt(daily, 'Asia/Shanghai', [], at(iso))?.userId ?? null;
    expect(who('2026-12-07T00:59:59Z')).toBeNull(); // before the first handoff (09:00 +08:00)
    expect(who('2026-12-07T01:00:00Z')).toBe('ann');
    expect(who('2026-12-08T00:59:00Z')).toBe('ann');
    expect(who('2026-12-08T01:00:00Z')).toBe('bo');
    expect(who('2026-12-09T12:00:00Z')).toBe('cy');
    expect(who('2026-12-10T12:00:00Z')).toBe('ann');
    const shift = onCallAt(daily, 'Asia/Shanghai', [], at('2026-12-08T05:00:00Z'))!;
    expect(new Date(shift.start).toISOString()).toBe('2026-12-08T01:00:00.000Z');
    expect(new Date(shift.end).toISOString()).toBe('2026-12-09T01:00:00.000Z');
  });

  it('keeps the wall time of a weekly handoff across a daylight-saving change', () => {
    const weekly = rotationSchema.parse({
      participants: ['ann', 'bo'],
      handoff: 'weekly',
      handoffTime: '09:00',
      handoffWeekday: 1,
      startDate: '2026-03-01' // a Sunday: the first handoff is Monday 2026-03-02
    });
    const zone = 'America/New_York';
    expect(onCallAt(weekly, zone, [], at('2026-03-02T13:59:00Z'))).toBeNull();
    const first = onCallAt(weekly, zone, [], at('2026-03-02T14:00:00Z'))!; // 09:00 EST
    expect(first.userId).toBe('ann');
    // The clocks go forward on 2026-03-08: the next handoff is 09:00 EDT = 13:00 UTC.
    expect(new Date(first.end).toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(onCallAt(weekly, zone, [], at('2026-03-09T13:00:00Z'))!.userId).toBe('bo');
    expect(onCallAt(weekly, zone, [], at('2026-03-16T13:00:00Z'))!.userId).toBe('ann');
  });

  it('lets the newest covering override win', () => {
    const overrides = [
      { userId: 'dee', start: at('2026-12-08T00:00:00Z'), end: at('2026-12-08T12:00:00Z') },
      { userId: 'eve', start: at('2026-12-08T06:00:00Z'), end: at('2026-12-08T08:00:00Z') }
    ];
    const who = (iso: string) => onCallAt(daily, 'Asia/Shanghai', overrides, at(iso))?.userId;
    expect(who('2026-12-08T05:00:00Z')).toBe('dee');
    expect(who('2026-12-08T07:00:00Z')).toBe('eve');
    expect(who('2026-12-08T12:00:00Z')).toBe('bo');
  });

  it('lists the shifts of a span for the calendar', () => {
    const shifts = shiftsBetween(
      daily,
      'Asia/Shanghai',
      at('2026-12-06T00:00:00Z'),
      at('2026-12-10T00:00:00Z')
    );
    expect(shifts.map((s) => [s.userId, new Date(s.start).toISOString()])).toEqual([
      ['ann', '2026-12-07T01:00:00.000Z'],
      ['bo', '2026-12-08T01:00:00.000Z'],
      ['cy', '2026-12-09T01:00:00.000Z']
    ]);
  });
});

describe('handoffs inside the hour the clocks change', () => {
  const zone = 'America/New_York';
  it('passes the turn when a skipped handoff time is reached on the new clock', () => {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT; a 02:30 handoff happens at 03:30 EDT.
    const rotation = rotationSchema.parse({
      participants: ['ann', 'bo'],
      handoff: 'daily',
      handoffTime: '02:30',
      startDate: '2026-03-07'
    });
    const handoff = zonedTime({ year: 2026, month: 3, day: 8 }, 150, zone);
    expect(onCallAt(rotation, zone, [], handoff - 1)!.userId).toBe('ann');
    const shift = onCallAt(rotation, zone, [], handoff)!;
    expect(shift.userId).toBe('bo');
    expect(shift.start).toBe(handoff);
  });

  it('passes the turn once on the day a handoff time repeats', () => {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST; a 01:30 handoff is the first 01:30.
    const rotation = rotationSchema.parse({
      participants: ['ann', 'bo'],
      handoff: 'daily',
      handoffTime: '01:30',
      startDate: '2026-10-31'
    });
    const first = zonedTime({ year: 2026, month: 11, day: 1 }, 90, zone);
    expect(new Date(first).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    for (const offset of [0, 30 * 60_000, 60 * 60_000, 90 * 60_000]) {
      const shift = onCallAt(rotation, zone, [], first + offset)!;
      expect(shift.userId).toBe('bo');
      expect(shift.end).toBeGreaterThan(first + offset);
    }
  });
});
