/**
 * The weekly report's calendar and trends (weekly-report/report-week.ts, shared/weekly-report/
 * schema.ts `figureTrend`): sending times and covered weeks in a zone with daylight saving, and
 * the direction, size and sense of a figure's change.
 */
import { describe, expect, it } from 'vitest';
import { latestSlot, slotAfter, weekBefore } from '../../src/lib/server/weekly-report/report-week';
import { dayText } from '../../src/lib/shared/zoned-time';
import { figureTrend } from '../../src/lib/shared/weekly-report/schema';

const iso = (ms: number) => new Date(ms).toISOString();

describe('the weekly report calendar', () => {
  it('finds the latest sending time and the week it covers across a DST change', () => {
    // Monday 2026-11-02 09:00 in New York is 14:00Z (EST, after the change on 11-01).
    const slot = latestSlot(Date.parse('2026-11-04T12:00:00Z'), 1, 9, 'America/New_York');
    expect(iso(slot.at)).toBe('2026-11-02T14:00:00.000Z');
    const week = weekBefore(slot.date, 'America/New_York');
    expect(dayText(week.start)).toBe('2026-10-26');
    // Monday 10-26 00:00 EDT (UTC−4) to Monday 11-02 00:00 EST (UTC−5): 7 days and an hour.
    expect(iso(week.from)).toBe('2026-10-26T04:00:00.000Z');
    expect(iso(week.to)).toBe('2026-11-02T05:00:00.000Z');
    expect(iso(slotAfter(slot, 9, 'America/New_York').at)).toBe('2026-11-09T14:00:00.000Z');
  });

  it('takes the previous week’s time until this week’s has come', () => {
    const before = latestSlot(Date.parse('2026-12-14T00:59:59Z'), 1, 9, 'Asia/Shanghai');
    expect(iso(before.at)).toBe('2026-12-07T01:00:00.000Z');
    const at = latestSlot(Date.parse('2026-12-14T01:00:00Z'), 1, 9, 'Asia/Shanghai');
    expect(iso(at.at)).toBe('2026-12-14T01:00:00.000Z');
    // A Friday sending time covers the last whole week before that Friday.
    const friday = latestSlot(Date.parse('2026-12-18T18:00:00Z'), 5, 17, 'UTC');
    expect(dayText(weekBefore(friday.date, 'UTC').start)).toBe('2026-12-07');
  });
});

describe('figure trends', () => {
  it('says up or down, by how much, and whether that is better', () => {
    expect(figureTrend('mttaSeconds', 420, 900)).toEqual({
      direction: 'down',
      amount: 53,
      unit: 'percent',
      better: true
    });
    expect(figureTrend('incidentsOpened', 3, 2)).toMatchObject({ direction: 'up', better: false });
    expect(figureTrend('changeFailureRate', 0.25, 0)).toEqual({
      direction: 'up',
      amount: 25,
      unit: 'points',
      better: false
    });
    expect(figureTrend('throughput', 4, 4)).toMatchObject({ direction: 'flat', better: null });
    expect(figureTrend('throughput', 4, 0)).toMatchObject({ direction: 'none', amount: null });
    expect(figureTrend('mttrSeconds', null, 3600)).toMatchObject({ direction: 'none' });
  });
});
