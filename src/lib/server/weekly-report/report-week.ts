/**
 * The calendar of the weekly report: when a report falls due (a weekday and an hour in a time
 * zone) and which week it covers (the last whole week, Monday 00:00 to Monday 00:00 in that zone,
 * that ended by then). Pure time-zone arithmetic on the shared zoned time (`shared/zoned-time.ts`).
 */
import {
  addDays,
  isoWeekday,
  wallClock,
  zonedTime,
  type CalendarDate
} from '../../shared/zoned-time';

/** A sending time: the instant, and its calendar date in the zone. */
export interface Slot {
  at: number;
  date: CalendarDate;
}

/** The latest sending time (weekday at hour:00 in `timeZone`) at or before `now`. */
export function latestSlot(now: number, weekday: number, hour: number, timeZone: string): Slot {
  const local = wallClock(now, timeZone);
  const today = { year: local.year, month: local.month, day: local.day };
  let date = addDays(today, -((isoWeekday(today) - weekday + 7) % 7));
  let at = zonedTime(date, hour * 60, timeZone);
  if (at > now) {
    date = addDays(date, -7);
    at = zonedTime(date, hour * 60, timeZone);
  }
  return { at, date };
}

/** The sending time a week after `slot`. */
export function slotAfter(slot: Slot, hour: number, timeZone: string): Slot {
  const date = addDays(slot.date, 7);
  return { at: zonedTime(date, hour * 60, timeZone), date };
}

/** A week: its Monday, and its bounds [from, to) as instants. */
export interface Week {
  start: CalendarDate;
  from: number;
  to: number;
}

/** The last whole week (Monday to Monday in `timeZone`) that ended on or before `date`. */
export function weekBefore(date: CalendarDate, timeZone: string): Week {
  const end = addDays(date, -(isoWeekday(date) - 1));
  const start = addDays(end, -7);
  return { start, from: zonedTime(start, 0, timeZone), to: zonedTime(end, 0, timeZone) };
}

/** The week before `week`. */
export function previousWeek(week: Week, timeZone: string): Week {
  const start = addDays(week.start, -7);
  return { start, from: zonedTime(start, 0, timeZone), to: week.from };
}
