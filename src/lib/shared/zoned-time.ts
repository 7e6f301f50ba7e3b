/**
 * Wall-clock time in an IANA time zone, without a date library: the one place that turns an
 * instant into the calendar date and clock a zone shows, and a calendar date and clock back into
 * an instant. Used by the question compiler (`ai/ask`), the on-call rotation, the weekly
 * report's calendar, change windows, history import and the reports (ranges, buckets, days).
 *
 * Everything goes through one cached `Intl.DateTimeFormat` per zone (building a formatter costs
 * far more than using one). Calendar dates are plain `{ year, month, day }` (month 1–12);
 * fields that overflow roll over (`{ month: 13 }` is January of the next year), as `Date.UTC`
 * does. Framework-free: runs in the browser and on the server.
 */

/** A calendar date: no zone, no instant. `month` is 1–12. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** What a zone's clock shows at an instant. `hour` is 0–23. */
export interface WallClock extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's formatter of every field, built once per zone (throws for an unknown zone). */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric'
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `timeZone` at instant `ms` (to the second). */
export function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year']!,
    month: parts['month']!,
    day: parts['day']!,
    // Some engines say 24 for midnight even with h23.
    hour: parts['hour']! % 24,
    minute: parts['minute']!,
    second: parts['second']!
  };
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (east positive). */
export function offsetAt(ms: number, timeZone: string): number {
  const p = wallClock(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which the clock of `timeZone` shows `minutes` past midnight of `date`. A time
 * skipped by a daylight-saving change (clocks went forward) is moved forward by the gap, so a
 * day whose midnight is skipped starts at the first instant that is on it; a repeated time
 * (clocks went back) resolves to its first occurrence.
 */
export function zonedTime(date: CalendarDate, minutes: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * 60_000;
  // The offsets in force just before and just after any change near this time.
  const before = offsetAt(wall - 12 * 3_600_000, timeZone);
  const after = offsetAt(wall + 12 * 3_600_000, timeZone);
  // No change within a day of it: the one offset holds (the checks below would return the same).
  if (before === after) return wall - before;
  const valid = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t);
  // Repeated: the first; skipped: by the old offset, which lands the gap's length later on the
  // new clock.
  return valid.length > 0 ? Math.min(...valid) : wall - before;
}

/** The instant the day `date` (a date or `YYYY-MM-DD`) starts in `timeZone`. */
export function startOfDay(date: CalendarDate | string, timeZone: string): number {
  return zonedTime(typeof date === 'string' ? parseDay(date) : date, 0, timeZone);
}

/** The calendar date of instant `ms` in `timeZone`. */
export function dateIn(ms: number, timeZone: string): CalendarDate {
  const { year, month, day } = wallClock(ms, timeZone);
  return { year, month, day };
}

/** The calendar day (`YYYY-MM-DD`) of instant `ms` in `timeZone`. */
export function dayIn(ms: number, timeZone: string): string {
  return dayText(dateIn(ms, timeZone));
}

/** `YYYY-MM-DD` of a date. */
export function dayText(date: CalendarDate): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

/** The date of a `YYYY-MM-DD` string (not validated: see the callers' schemas). */
export function parseDay(day: string): CalendarDate {
  const [year, month, day_] = day.split('-').map(Number) as [number, number, number];
  return { year, month, day: day_ };
}

/** `date` moved by `days` calendar days (normalised: no overflowing fields). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Days from 1970-01-01 to `date` (a date, not an instant: the same in every zone). */
export function dayNumber(date: CalendarDate): number {
  return Math.floor(Date.UTC(date.year, date.month - 1, date.day) / DAY_MS);
}

/** The date `dayNumber` days after 1970-01-01. */
export function dateOfDayNumber(value: number): CalendarDate {
  const d = new Date(value * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The ISO weekday of `date`: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: CalendarDate): number {
  return ((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7) + 1;
}

/**
 * A day-of-instant function for one zone that asks `Intl` once per day rather than once per
 * call: it keeps each day's bounds [midnight, next midnight) and answers instants inside a kept
 * day by a binary search (and the last day hit first, for sorted input). The answer is always
 * `dayIn(ms, timeZone)`. A day in which the clocks went back is not kept (were the change to
 * cross midnight, instants inside the day's bounds would show the day before); its instants are
 * asked of `Intl` each time. For computations that place many rows in days (the reports' KPIs).
 */
export function dayCache(timeZone: string): (ms: number) => string {
  const starts: number[] = [];
  const ends: number[] = [];
  const keys: string[] = [];
  let last = -1;
  return (ms) => {
    if (last >= 0 && ms >= starts[last]! && ms < ends[last]!) return keys[last]!;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ms < starts[mid]!) hi = mid - 1;
      else if (ms >= ends[mid]!) lo = mid + 1;
      else {
        last = mid;
        return keys[mid]!;
      }
    }
    const date = dateIn(ms, timeZone);
    const key = dayText(date);
    const start = zonedTime(date, 0, timeZone);
    const end = zonedTime(addDays(date, 1), 0, timeZone);
    // Kept only when the bounds hold `ms`, carry its day, and the clock only ran forward between
    // them (then every instant between shows the same day).
    if (
      start <= ms &&
      ms < end &&
      dayIn(start, timeZone) === key &&
      dayIn(end - 1, timeZone) === key &&
      offsetAt(start, timeZone) <= offsetAt(end - 1, timeZone)
    ) {
      starts.splice(lo, 0, start);
      ends.splice(lo, 0, end);
      keys.splice(lo, 0, key);
      last = lo;
    }
    return key;
  };
}
