/**
 * Calendar buckets of a report's series in an IANA time zone (docs/kpis.md, "Series"): days,
 * ISO weeks (Monday to Monday) or months, chosen from the range's length, each starting at local
 * midnight, so a Shanghai day is 16:00Z to 16:00Z. The first and last buckets are cut to the
 * range, so the points add up to the range's totals. Zone arithmetic: `shared/zoned-time.ts`.
 */
import { startOfDay, wallClock } from '../../shared/zoned-time';

export type BucketUnit = 'day' | 'week' | 'month';

/** A bucket: [start, end) in epoch ms. */
export interface Bucket {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;

/** Day buckets up to 62 days, weeks up to 366 days, months beyond. */
export function bucketUnit(fromMs: number, toMs: number): BucketUnit {
  const days = (toMs - fromMs) / DAY_MS;
  return days <= 62 ? 'day' : days <= 366 ? 'week' : 'month';
}

/** The local hour (0–23) of an instant in `timeZone`. */
export function localHour(timeZone: string): (ms: number) => number {
  return (ms) => wallClock(ms, timeZone).hour;
}

/** The buckets covering [fromMs, toMs) in `timeZone`, cut to the range. */
export function buckets(
  fromMs: number,
  toMs: number,
  timeZone: string,
  unit: BucketUnit
): Bucket[] {
  const first = wallClock(fromMs, timeZone);
  // The calendar date (as a UTC date, for the arithmetic) of the first bucket's start.
  let date = new Date(Date.UTC(first.year, first.month - 1, first.day));
  if (unit === 'week') date = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * DAY_MS);
  if (unit === 'month') date = new Date(Date.UTC(first.year, first.month - 1, 1));
  const out: Bucket[] = [];
  const midnight = (d: Date) =>
    startOfDay(
      { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
      timeZone
    );
  let start = midnight(date);
  while (start < toMs) {
    const next =
      unit === 'day'
        ? new Date(date.getTime() + DAY_MS)
        : unit === 'week'
          ? new Date(date.getTime() + 7 * DAY_MS)
          : new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
    const end = midnight(next);
    out.push({ start: Math.max(start, fromMs), end: Math.min(end, toMs) });
    date = next;
    start = end;
  }
  return out;
}

/** The index of the bucket holding `ms`, or -1 (buckets sorted and adjacent). */
export function bucketOf(list: readonly Bucket[], ms: number): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const bucket = list[mid]!;
    if (ms < bucket.start) hi = mid - 1;
    else if (ms >= bucket.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}
