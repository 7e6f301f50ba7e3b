/**
 * Who is on call when: a rotation hands off daily or weekly at a wall-clock time in the team's
 * time zone (09:00 Asia/Shanghai stays 09:00 across daylight-saving changes elsewhere), and
 * overrides replace whoever the rotation names for their span. Pure functions over
 * `Intl.DateTimeFormat`, no time-zone library.
 */
import type { Rotation } from '../../shared/oncall/schema';

const DAY_MS = 86_400_000;

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

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

/** The wall-clock time at `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year']!,
    month: parts['month']!,
    day: parts['day']!,
    hour: parts['hour']!,
    minute: parts['minute']!,
    second: parts['second']!
  };
}

/** The zone's offset from UTC at `ms`, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a wall-clock time in `timeZone`. A time skipped by a daylight-saving change is
 * moved forward by the gap; a repeated one resolves to its first occurrence.
 */
export function zonedTime(
  date: { year: number; month: number; day: number },
  minutes: number,
  timeZone: string
): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * 60_000;
  // The offsets in force just before and just after any change near this time.
  const before = offsetAt(wall - 12 * 3_600_000, timeZone);
  const after = offsetAt(wall + 12 * 3_600_000, timeZone);
  const valid = [wall - before, wall - after].filter((t) => offsetAt(t, timeZone) === wall - t);
  // Repeated (clocks went back): the first; skipped (clocks went forward): by the old offset,
  // which lands the gap's length later on the new clock.
  return valid.length > 0 ? Math.min(...valid) : wall - before;
}

/** Days from 1970-01-01 of a calendar date (any zone: it is a date, not an instant). */
function dayNumber(date: { year: number; month: number; day: number }): number {
  return Math.floor(Date.UTC(date.year, date.month - 1, date.day) / DAY_MS);
}

function dateOf(dayNumberValue: number): { year: number; month: number; day: number } {
  const d = new Date(dayNumberValue * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function handoffMinutes(rotation: Rotation): number {
  const [hours, minutes] = rotation.handoffTime.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/** The first handoff day (a day number) of the rotation: its start date, aligned to the weekday. */
function anchorDay(rotation: Rotation): number {
  const [year, month, day] = rotation.startDate.split('-').map(Number);
  let anchor = dayNumber({ year: year!, month: month!, day: day! });
  if (rotation.handoff === 'weekly') {
    // 1970-01-01 was a Thursday (4); Sunday is 0.
    const weekday = (anchor + 4) % 7;
    anchor += (rotation.handoffWeekday - weekday + 7) % 7;
  }
  return anchor;
}

export interface Shift {
  userId: string;
  /** Epoch ms. */
  start: number;
  end: number;
}

/** The index of the shift that holds `ms` (negative before the rotation starts). */
function shiftIndex(rotation: Rotation, timeZone: string, ms: number): number {
  // The last handoff at or before `ms`: today's, unless it is still ahead (compared as
  // instants, so the hour a daylight-saving change skips or repeats counts right).
  let day = dayNumber(localParts(ms, timeZone));
  if (ms < zonedTime(dateOf(day), handoffMinutes(rotation), timeZone)) day -= 1;
  const anchor = anchorDay(rotation);
  const period = rotation.handoff === 'daily' ? 1 : 7;
  return Math.floor((day - anchor) / period);
}

function shiftAt(rotation: Rotation, timeZone: string, index: number): Shift {
  const period = rotation.handoff === 'daily' ? 1 : 7;
  const anchor = anchorDay(rotation);
  const minutes = handoffMinutes(rotation);
  const n = rotation.participants.length;
  return {
    userId: rotation.participants[((index % n) + n) % n]!,
    start: zonedTime(dateOf(anchor + index * period), minutes, timeZone),
    end: zonedTime(dateOf(anchor + (index + 1) * period), minutes, timeZone)
  };
}

export interface Override {
  userId: string;
  start: number;
  end: number;
}

/**
 * Who is on call at `ms`: the newest override that covers it, else the rotation's shift; null
 * before the rotation starts or without participants.
 */
export function onCallAt(
  rotation: Rotation,
  timeZone: string,
  overrides: readonly Override[],
  ms: number
): Shift | null {
  const covering = overrides.filter((o) => o.start <= ms && ms < o.end).at(-1);
  if (covering) return { userId: covering.userId, start: covering.start, end: covering.end };
  if (rotation.participants.length === 0) return null;
  const index = shiftIndex(rotation, timeZone, ms);
  if (index < 0) return null;
  return shiftAt(rotation, timeZone, index);
}

/** The rotation's shifts that overlap [from, to), overrides not applied, at most `limit`. */
export function shiftsBetween(
  rotation: Rotation,
  timeZone: string,
  from: number,
  to: number,
  limit = 500
): Shift[] {
  if (rotation.participants.length === 0) return [];
  const out: Shift[] = [];
  let index = Math.max(0, shiftIndex(rotation, timeZone, from));
  for (;;) {
    const shift = shiftAt(rotation, timeZone, index);
    if (shift.start >= to || out.length >= limit) break;
    if (shift.end > from) out.push(shift);
    index += 1;
  }
  return out;
}
