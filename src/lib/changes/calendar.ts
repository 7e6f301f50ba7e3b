/**
 * The change calendar's geometry, in the viewer's time zone (the browser's, so `Date`'s local
 * methods are it): the days a week or month view covers, and where a window (a change, a
 * freeze) falls in each day, as minutes from that day's midnight. Days are the local calendar
 * days, so a day that daylight saving shortens or lengthens still spans one column.
 */
import { dayText, offsetAt, wallClock } from '../shared/zoned-time';

export type CalendarView = 'week' | 'month';

/** Local midnight of the day `date` falls in. */
export function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** `date`'s local day plus `days` calendar days (midnight). */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

/** Monday of the week `date` falls in (weeks start on Monday, as in China and ISO 8601). */
export function startOfWeek(date: Date): Date {
  const day = startOfDay(date);
  return addDays(day, -((day.getDay() + 6) % 7));
}

/** The days a view shows around `anchor`: 7 for a week, whole weeks (Mon–Sun) for a month. */
export function viewDays(view: CalendarView, anchor: Date): Date[] {
  if (view === 'week') {
    const start = startOfWeek(anchor);
    return Array.from({ length: 7 }, (_, index) => addDays(start, index));
  }
  const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const last = new Date(anchor.getFullYear(), anchor.getMonth() + 1, 0);
  const start = startOfWeek(first);
  const end = addDays(startOfWeek(last), 7);
  const days: Date[] = [];
  for (let day = start; day < end; day = addDays(day, 1)) days.push(day);
  return days;
}

/** The anchor of the previous or next week or month. */
export function shiftAnchor(view: CalendarView, anchor: Date, step: -1 | 1): Date {
  return view === 'week'
    ? addDays(anchor, 7 * step)
    : new Date(anchor.getFullYear(), anchor.getMonth() + step, 1);
}

/** The instants [from, to) a view covers, for the API's `from`/`to`. */
export function viewRange(view: CalendarView, anchor: Date): { from: Date; to: Date } {
  const days = viewDays(view, anchor);
  return { from: days[0]!, to: addDays(days[days.length - 1]!, 1) };
}

/** Where a window falls in a local day: minutes from midnight, or null when it misses it. */
export function segmentIn(
  day: Date,
  start: string,
  end: string
): { top: number; bottom: number; startsBefore: boolean; endsAfter: boolean } | null {
  const dayStart = day.getTime();
  const dayEnd = addDays(day, 1).getTime();
  const from = Date.parse(start);
  const to = Date.parse(end);
  if (!(from < dayEnd && to > dayStart)) return null;
  const minutes = (dayEnd - dayStart) / 60_000;
  const top = Math.max(0, (from - dayStart) / 60_000);
  const bottom = Math.min(minutes, (to - dayStart) / 60_000);
  return {
    top: (top / minutes) * 1440,
    bottom: (bottom / minutes) * 1440,
    startsBefore: from < dayStart,
    endsAfter: to > dayEnd
  };
}

/**
 * Lays out overlapping windows of one day side by side: each gets a lane and the number of
 * lanes of its cluster (windows that overlap each other, directly or through others).
 */
export function lanes<T extends { top: number; bottom: number }>(
  segments: readonly T[]
): (T & { lane: number; laneCount: number })[] {
  const sorted = [...segments].sort((a, b) => a.top - b.top || b.bottom - a.bottom);
  const out: (T & { lane: number; laneCount: number })[] = [];
  let cluster: (T & { lane: number; laneCount: number })[] = [];
  let clusterEnd = -1;
  const close = () => {
    const count = Math.max(1, ...cluster.map((s) => s.lane + 1));
    for (const segment of cluster) segment.laneCount = count;
    cluster = [];
  };
  for (const segment of sorted) {
    if (segment.top >= clusterEnd) close();
    const taken = new Set(
      cluster.filter((other) => other.bottom > segment.top).map((other) => other.lane)
    );
    let lane = 0;
    while (taken.has(lane)) lane += 1;
    const placed = { ...segment, lane, laneCount: 1 };
    cluster.push(placed);
    out.push(placed);
    clusterEnd = Math.max(clusterEnd, segment.bottom);
  }
  close();
  return out;
}

/** Whether two windows overlap (half-open). */
export function overlaps(aStart: string, aEnd: string, bStart: string, bEnd: string): boolean {
  return Date.parse(aStart) < Date.parse(bEnd) && Date.parse(bStart) < Date.parse(aEnd);
}

/**
 * A local date-time input's value (`2026-12-05T09:30`) read in an IANA zone, as an ISO instant;
 * null when it is not one. The server reads local times in the change's zone itself: this is
 * only for previews (conflicts, freezes) while planning.
 */
export function zonedInstant(local: string, timeZone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as number[];
  const guess = Date.UTC(y!, mo! - 1, d!, h!, mi!);
  // The zone's offset at the guess, twice, so a time near a daylight-saving change settles.
  let instant = guess - offsetMs(guess, timeZone);
  instant = guess - offsetMs(instant, timeZone);
  return Number.isNaN(instant) ? null : new Date(instant).toISOString();
}

/** The zone's offset at `instant`; 0 for a zone this runtime does not know. */
function offsetMs(instant: number, timeZone: string): number {
  try {
    return offsetAt(instant, timeZone);
  } catch {
    return 0;
  }
}

/** An instant as a local date-time input's value (`2026-12-05T09:30`) in an IANA zone. */
export function localInZone(iso: string, timeZone: string): string {
  const wall = wallClock(Date.parse(iso), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${dayText(wall)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}
