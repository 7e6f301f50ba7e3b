/**
 * Wall-clock time in a zone (src/lib/shared/zoned-time.ts), the one module behind the question
 * compiler, the on-call rotation, the weekly report's calendar and the reports: zones with
 * daylight saving across both changes (New York, Berlin), without (Shanghai, UTC), zones whose
 * midnight is skipped (Santiago) or repeated (Havana), and day, week and month boundaries.
 */
import { describe, expect, it } from 'vitest';
import {
  addDays,
  dateIn,
  dateOfDayNumber,
  dayCache,
  dayIn,
  dayNumber,
  dayText,
  isTimeZone,
  isoWeekday,
  offsetAt,
  parseDay,
  startOfDay,
  wallClock,
  zonedTime
} from '../../src/lib/shared/zoned-time';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const date = (year: number, month: number, day: number) => ({ year, month, day });
const HOUR = 3_600_000;

describe('isTimeZone', () => {
  it('knows IANA zones and refuses anything else', () => {
    for (const zone of ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/New_York'])
      expect(isTimeZone(zone), zone).toBe(true);
    for (const zone of ['', 'Mars/Base', 'Europe/Nowhere', '+08:00'])
      expect(isTimeZone(zone), zone).toBe(false);
  });
});

describe('wallClock and offsetAt', () => {
  it('shows the clock of the zone on both sides of a change', () => {
    // New York springs forward at 02:00 EST (07:00Z) on 2026-03-08: 01:59:59 is followed by 03:00.
    expect(wallClock(at('2026-03-08T06:59:59Z'), 'America/New_York')).toEqual({
      ...date(2026, 3, 8),
      hour: 1,
      minute: 59,
      second: 59
    });
    expect(wallClock(at('2026-03-08T07:00:00Z'), 'America/New_York')).toMatchObject({
      hour: 3,
      minute: 0
    });
    // Midnight is hour 0, never 24.
    expect(wallClock(at('2026-12-06T16:00:00Z'), 'Asia/Shanghai')).toEqual({
      ...date(2026, 12, 7),
      hour: 0,
      minute: 0,
      second: 0
    });
  });

  it('gives the offset in force, east positive', () => {
    // Berlin: CET (+1) until 2026-03-29 01:00Z, CEST (+2) until 2026-10-25 01:00Z.
    expect(offsetAt(at('2026-03-29T00:59:59Z'), 'Europe/Berlin')).toBe(HOUR);
    expect(offsetAt(at('2026-03-29T01:00:00Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(offsetAt(at('2026-10-25T00:59:59Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(offsetAt(at('2026-10-25T01:00:00Z'), 'Europe/Berlin')).toBe(HOUR);
    expect(offsetAt(at('2026-07-01T12:00:00Z'), 'America/New_York')).toBe(-4 * HOUR);
    expect(offsetAt(at('2026-07-01T12:00:00Z'), 'Asia/Shanghai')).toBe(8 * HOUR);
    expect(offsetAt(at('2026-07-01T12:00:00.750Z'), 'UTC')).toBe(0);
  });
});

describe('zonedTime', () => {
  it('turns a wall time into the instant', () => {
    expect(iso(zonedTime(date(2026, 12, 7), 9 * 60, 'Asia/Shanghai'))).toBe(
      '2026-12-07T01:00:00.000Z'
    );
    expect(iso(zonedTime(date(2026, 12, 7), 9 * 60, 'UTC'))).toBe('2026-12-07T09:00:00.000Z');
    expect(iso(zonedTime(date(2026, 1, 5), 9 * 60, 'America/New_York'))).toBe(
      '2026-01-05T14:00:00.000Z'
    );
    expect(iso(zonedTime(date(2026, 7, 6), 9 * 60, 'Europe/Berlin'))).toBe(
      '2026-07-06T07:00:00.000Z'
    );
  });

  it('moves a skipped time forward by the gap', () => {
    // 02:30 does not exist on 2026-03-08 in New York, nor on 2026-03-29 in Berlin.
    expect(iso(zonedTime(date(2026, 3, 8), 150, 'America/New_York'))).toBe(
      '2026-03-08T07:30:00.000Z'
    );
    expect(iso(zonedTime(date(2026, 3, 29), 150, 'Europe/Berlin'))).toBe(
      '2026-03-29T01:30:00.000Z'
    );
  });

  it('takes the first of a repeated time, west and east of Greenwich', () => {
    // 01:30 on 2026-11-01 in New York: EDT (05:30Z), not EST (06:30Z).
    expect(iso(zonedTime(date(2026, 11, 1), 90, 'America/New_York'))).toBe(
      '2026-11-01T05:30:00.000Z'
    );
    // 02:30 on 2026-10-25 in Berlin: CEST (00:30Z), not CET (01:30Z).
    expect(iso(zonedTime(date(2026, 10, 25), 150, 'Europe/Berlin'))).toBe(
      '2026-10-25T00:30:00.000Z'
    );
  });

  it('rolls overflowing fields over', () => {
    expect(zonedTime(date(2026, 13, 1), 0, 'Europe/Berlin')).toBe(
      zonedTime(date(2027, 1, 1), 0, 'Europe/Berlin')
    );
    expect(zonedTime(date(2026, 3, 0), 0, 'Asia/Shanghai')).toBe(
      zonedTime(date(2026, 2, 28), 0, 'Asia/Shanghai')
    );
    expect(zonedTime(date(2026, 1, 1), 25 * 60, 'UTC')).toBe(at('2026-01-02T01:00:00Z'));
  });
});

describe('startOfDay and day lengths', () => {
  it('starts a Shanghai day at 16:00Z the day before, a UTC day at 00:00Z', () => {
    expect(iso(startOfDay('2026-12-07', 'Asia/Shanghai'))).toBe('2026-12-06T16:00:00.000Z');
    expect(iso(startOfDay(date(2026, 12, 7), 'UTC'))).toBe('2026-12-07T00:00:00.000Z');
  });

  it('makes the days of a change 23 and 25 hours long', () => {
    const length = (day: string, zone: string) =>
      (startOfDay(addDays(parseDay(day), 1), zone) - startOfDay(day, zone)) / HOUR;
    expect(iso(startOfDay('2026-03-08', 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(startOfDay('2026-03-09', 'America/New_York'))).toBe('2026-03-09T04:00:00.000Z');
    expect(length('2026-03-08', 'America/New_York')).toBe(23);
    expect(length('2026-11-01', 'America/New_York')).toBe(25);
    expect(length('2026-03-29', 'Europe/Berlin')).toBe(23);
    expect(length('2026-10-25', 'Europe/Berlin')).toBe(25);
    expect(length('2026-03-29', 'Asia/Shanghai')).toBe(24);
    expect(length('2026-10-25', 'UTC')).toBe(24);
  });

  it('starts a day whose midnight is skipped at its first instant', () => {
    // Santiago moves from −04 to −03 at 00:00 on 2026-09-06: the day starts at 01:00 (04:00Z),
    // and the day before ends there (not at 03:00Z, which is still 23:00 of the 5th).
    expect(iso(startOfDay('2026-09-06', 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    expect(dayIn(startOfDay('2026-09-06', 'America/Santiago') - 1, 'America/Santiago')).toBe(
      '2026-09-05'
    );
  });

  it('starts a day whose midnight repeats at the first midnight', () => {
    // Havana goes back from 01:00 CDT to 00:00 CST on 2026-11-01: midnight comes twice.
    expect(iso(startOfDay('2026-11-01', 'America/Havana'))).toBe('2026-11-01T04:00:00.000Z');
  });
});

describe('dates, weeks and months', () => {
  it('reads the date of an instant at the zone’s day boundary', () => {
    expect(dayIn(at('2026-12-06T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-12-06');
    expect(dayIn(at('2026-12-06T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-07');
    expect(dayIn(at('2026-11-01T04:59:59Z'), 'America/New_York')).toBe('2026-11-01');
    expect(dayIn(at('2026-11-02T04:59:59Z'), 'America/New_York')).toBe('2026-11-01');
    expect(dayIn(at('2026-11-02T05:00:00Z'), 'America/New_York')).toBe('2026-11-02');
    expect(dateIn(at('2026-12-31T23:00:00Z'), 'Europe/Berlin')).toEqual(date(2027, 1, 1));
  });

  it('counts weekdays from Monday and steps across month and year ends', () => {
    expect(isoWeekday(date(2026, 12, 7))).toBe(1);
    expect(isoWeekday(date(2026, 12, 13))).toBe(7);
    expect(addDays(date(2026, 12, 28), 7)).toEqual(date(2027, 1, 4));
    expect(addDays(date(2024, 3, 1), -1)).toEqual(date(2024, 2, 29));
    expect(dayText(date(2026, 3, 8))).toBe('2026-03-08');
    expect(parseDay('2026-03-08')).toEqual(date(2026, 3, 8));
    expect(dateOfDayNumber(dayNumber(date(2026, 10, 25)))).toEqual(date(2026, 10, 25));
    expect(dayNumber(date(1970, 1, 2))).toBe(1);
  });

  it('starts a Berlin month on the last evening of the month before, in UTC', () => {
    // November starts in CET (+1), June in CEST (+2).
    expect(iso(startOfDay(date(2026, 11, 1), 'Europe/Berlin'))).toBe('2026-10-31T23:00:00.000Z');
    expect(iso(startOfDay(date(2026, 6, 1), 'Europe/Berlin'))).toBe('2026-05-31T22:00:00.000Z');
    expect(iso(startOfDay(date(2026, 12 + 1, 1), 'America/New_York'))).toBe(
      '2027-01-01T05:00:00.000Z'
    );
  });
});

describe('dayCache', () => {
  const ZONES = [
    'UTC',
    'Asia/Shanghai',
    'America/New_York',
    'Europe/Berlin',
    'America/Santiago',
    'America/Havana',
    'Australia/Lord_Howe',
    'Asia/Kathmandu'
  ];

  it('answers what dayIn answers, every 47 minutes through a year, in order', () => {
    for (const zone of ZONES) {
      const dayOf = dayCache(zone);
      for (let ms = at('2026-01-01T00:00:00Z'); ms < at('2027-01-01T00:00:00Z'); ms += 47 * 60_000)
        if (dayOf(ms) !== dayIn(ms, zone)) expect(`${zone} ${iso(ms)}: ${dayOf(ms)}`).toBe('');
    }
  });

  it('answers what dayIn answers for instants out of order, edges included', () => {
    for (const zone of ZONES) {
      const dayOf = dayCache(zone);
      let seed = 11;
      const instants: number[] = [];
      for (let i = 0; i < 1000; i += 1) {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        instants.push(
          at('2025-01-01T00:00:00Z') + Math.floor((seed / 2_147_483_648) * 730 * 86_400_000)
        );
      }
      // Each day's first and last millisecond, late days first.
      for (let d = 0; d < 40; d += 1) {
        const start = startOfDay(addDays(date(2026, 10, 20), -d), zone);
        instants.push(start, start - 1);
      }
      for (const ms of instants)
        if (dayOf(ms) !== dayIn(ms, zone)) expect(`${zone} ${iso(ms)}: ${dayOf(ms)}`).toBe('');
    }
  });
});
