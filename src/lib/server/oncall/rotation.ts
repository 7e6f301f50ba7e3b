/**
 * Who is on call when: a rotation hands off daily or weekly at a wall-clock time in the team's
 * time zone (09:00 Asia/Shanghai stays 09:00 across daylight-saving changes elsewhere), and
 * overrides replace whoever the rotation names for their span. Pure functions over the shared
 * zoned time (`shared/zoned-time.ts`), no time-zone library.
 */
import type { Rotation } from '../../shared/oncall/schema';
import {
  dateOfDayNumber as dateOf,
  dayNumber,
  wallClock,
  zonedTime
} from '../../shared/zoned-time';

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
  let day = dayNumber(wallClock(ms, timeZone));
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
