/**
 * The reports page's view state and its time ranges: the range preset or custom dates, the
 * filters and the time zone, read from and written to the URL query so a view can be
 * bookmarked and shared (`/w/<ws>/reports?range=30d&severity=critical`). Ranges are whole days
 * in the viewer's time zone: [midnight of the first day, midnight after the last day), as
 * `shared/zoned-time.ts` finds them.
 */
import { SEVERITIES, type Severity } from '../shared/alerts/schema';
import {
  addDays as addDate,
  dayIn,
  dayText,
  isTimeZone,
  parseDay,
  startOfDay
} from '../shared/zoned-time';

export const RANGE_PRESETS = ['7d', '30d', '90d', 'quarter', '1y'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** What the page shows: a preset or custom days (inclusive, YYYY-MM-DD), and the filters. */
export interface ReportView {
  range: RangePreset | 'custom';
  /** First day (custom ranges only). */
  fromDay: string | null;
  /** Last day, inclusive (custom ranges only). */
  toDay: string | null;
  service: string | null;
  label: string | null;
  team: string | null;
  severity: Severity | null;
  /** IANA zone of the days and buckets; null: the browser's. */
  timeZone: string | null;
}

export const DEFAULT_PRESET: RangePreset = '30d';

/** The longest custom range, in days (the API takes at most two years). */
export const MAX_RANGE_DAYS = 731;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const FILTER_MAX = 200;

/** A day string that is a real calendar date. */
export function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function filter(params: URLSearchParams, name: string): string | null {
  const value = params.get(name)?.trim() ?? '';
  return value === '' ? null : value.slice(0, FILTER_MAX);
}

/**
 * The view a URL query asks for. Anything unknown or malformed falls back to the default (the
 * last 30 days, no filters) rather than failing: a shared link with a typo still opens.
 */
export function viewFromQuery(params: URLSearchParams): ReportView {
  const from = params.get('from');
  const to = params.get('to');
  const preset = params.get('range');
  const custom = from !== null && to !== null && isDay(from) && isDay(to) && from <= to;
  const severity = params.get('severity');
  const timeZone = params.get('tz');
  return {
    range: custom
      ? 'custom'
      : RANGE_PRESETS.includes(preset as RangePreset)
        ? (preset as RangePreset)
        : DEFAULT_PRESET,
    fromDay: custom ? from : null,
    toDay: custom ? to : null,
    service: filter(params, 'service'),
    label: filter(params, 'label'),
    team: filter(params, 'team'),
    severity: SEVERITIES.includes(severity as Severity) ? (severity as Severity) : null,
    timeZone: timeZone !== null && isTimeZone(timeZone) ? timeZone : null
  };
}

/** The URL query of `view`: only what differs from the default, in a stable order. */
export function viewToQuery(view: ReportView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.range === 'custom' && view.fromDay !== null && view.toDay !== null) {
    params.set('from', view.fromDay);
    params.set('to', view.toDay);
  } else if (view.range !== DEFAULT_PRESET && view.range !== 'custom') {
    params.set('range', view.range);
  }
  for (const name of ['service', 'label', 'team', 'severity'] as const) {
    const value = view[name];
    if (value !== null) params.set(name, value);
  }
  if (view.timeZone !== null) params.set('tz', view.timeZone);
  return params;
}

/** `day` moved by `days` calendar days. */
export function addDays(day: string, days: number): string {
  return dayText(addDate(parseDay(day), days));
}

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The first and last day (inclusive) of `preset` ending today, where today is `today`. */
export function presetDays(preset: RangePreset, today: string): { fromDay: string; toDay: string } {
  switch (preset) {
    case '7d':
      return { fromDay: addDays(today, -6), toDay: today };
    case '30d':
      return { fromDay: addDays(today, -29), toDay: today };
    case '90d':
      return { fromDay: addDays(today, -89), toDay: today };
    case 'quarter': {
      const [y, m] = today.split('-').map(Number) as [number, number];
      const first = Math.floor((m - 1) / 3) * 3 + 1;
      return { fromDay: `${y}-${String(first).padStart(2, '0')}-01`, toDay: today };
    }
    case '1y':
      return {
        fromDay: addDays(`${Number(today.slice(0, 4)) - 1}${today.slice(4)}`, 1),
        toDay: today
      };
  }
}

/** A concrete range: ISO instants [from, to) and the days they span, in `timeZone`. */
export interface ResolvedRange {
  from: string;
  to: string;
  fromDay: string;
  /** Last day, inclusive. */
  toDay: string;
  timeZone: string;
  days: number;
}

/**
 * The instants of `view`'s range at time `now` in the view's zone (or `fallbackZone`, the
 * browser's). A custom range longer than the API allows is cut to its last `MAX_RANGE_DAYS`.
 */
export function resolveRange(view: ReportView, now: number, fallbackZone: string): ResolvedRange {
  const timeZone = view.timeZone ?? fallbackZone;
  const days =
    view.range === 'custom' && view.fromDay !== null && view.toDay !== null
      ? { fromDay: view.fromDay, toDay: view.toDay }
      : presetDays(view.range === 'custom' ? DEFAULT_PRESET : view.range, dayIn(now, timeZone));
  const toDay = days.toDay;
  let fromDay = days.fromDay;
  if (daysBetween(fromDay, toDay) + 1 > MAX_RANGE_DAYS)
    fromDay = addDays(toDay, 1 - MAX_RANGE_DAYS);
  return {
    from: new Date(startOfDay(fromDay, timeZone)).toISOString(),
    to: new Date(startOfDay(addDays(toDay, 1), timeZone)).toISOString(),
    fromDay,
    toDay,
    timeZone,
    days: daysBetween(fromDay, toDay) + 1
  };
}

export type Bucket = 'day' | 'week' | 'month';

/** The bucket the API chooses for a range of `days` days (docs/kpis.md). */
export function bucketFor(days: number): Bucket {
  if (days <= 62) return 'day';
  if (days <= 366) return 'week';
  return 'month';
}

/** The short label of a bucket starting at `startIso`, in `locale` and `timeZone`. */
export function bucketLabel(
  startIso: string,
  bucket: Bucket,
  locale: string,
  timeZone: string
): string {
  const options: Intl.DateTimeFormatOptions =
    bucket === 'month'
      ? { year: 'numeric', month: 'short', timeZone }
      : { month: 'short', day: 'numeric', timeZone };
  return new Intl.DateTimeFormat(locale, options).format(Date.parse(startIso));
}
