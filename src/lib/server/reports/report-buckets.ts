/**
 * Calendar buckets of a report's series in an IANA time zone (docs/kpis.md, "Series"): days,
 * ISO weeks (Monday to Monday) or months, chosen from the range's length, each starting at local
 * midnight, so a Shanghai day is 16:00Z to 16:00Z. The first and last buckets are cut to the
 * range, so the points add up to the range's totals.
 */

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

/** Local calendar fields of an instant in `timeZone`. */
function localParts(format: Intl.DateTimeFormat, ms: number) {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year']!,
    month: parts['month']!,
    day: parts['day']!,
    // Some engines say 24 for midnight.
    hour: parts['hour']! % 24,
    minute: parts['minute']!,
    second: parts['second']!
  };
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric'
  });
}

/** The instant of local midnight starting the calendar day y-m-d in the zone. */
function localMidnight(format: Intl.DateTimeFormat, year: number, month: number, day: number) {
  const wall = Date.UTC(year, month - 1, day);
  let guess = wall;
  // Two rounds settle the offset (it may differ on either side of a DST change).
  for (let i = 0; i < 2; i += 1) {
    const p = localParts(format, guess);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    guess = wall - (asUtc - guess);
  }
  return guess;
}

/** The local hour (0–23) of an instant in `timeZone`. */
export function localHour(timeZone: string): (ms: number) => number {
  const format = formatter(timeZone);
  return (ms) => localParts(format, ms).hour;
}

/** The buckets covering [fromMs, toMs) in `timeZone`, cut to the range. */
export function buckets(
  fromMs: number,
  toMs: number,
  timeZone: string,
  unit: BucketUnit
): Bucket[] {
  const format = formatter(timeZone);
  const first = localParts(format, fromMs);
  // The calendar date (as a UTC date, for the arithmetic) of the first bucket's start.
  let date = new Date(Date.UTC(first.year, first.month - 1, first.day));
  if (unit === 'week') date = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * DAY_MS);
  if (unit === 'month') date = new Date(Date.UTC(first.year, first.month - 1, 1));
  const out: Bucket[] = [];
  let start = localMidnight(
    format,
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate()
  );
  while (start < toMs) {
    const next =
      unit === 'day'
        ? new Date(date.getTime() + DAY_MS)
        : unit === 'week'
          ? new Date(date.getTime() + 7 * DAY_MS)
          : new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
    const end = localMidnight(
      format,
      next.getUTCFullYear(),
      next.getUTCMonth() + 1,
      next.getUTCDate()
    );
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
