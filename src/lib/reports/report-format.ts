/**
 * How the reports page writes its figures, in the UI language through `Intl`: durations in the
 * largest unit that keeps them readable (45 s, 12.5 min, 3.2 h, 4.1 days / 45秒, 12.5分钟 …),
 * shares as percentages, counts with grouping.
 */
import type { FigureFormat } from './report-data';

const formats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, options);
    formats.set(key, format);
  }
  return format;
}

/** `seconds` in the largest fitting unit, e.g. "12.5 min" / "12.5分钟". */
export function formatDuration(seconds: number, locale: string): string {
  const abs = Math.abs(seconds);
  const [unit, divisor] =
    abs < 90
      ? (['second', 1] as const)
      : abs < 90 * 60
        ? (['minute', 60] as const)
        : abs < 48 * 3600
          ? (['hour', 3600] as const)
          : (['day', 86_400] as const);
  return numberFormat(locale, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    // Sub-10-second values keep two decimals, so an axis of small durations is not all "0 sec".
    maximumFractionDigits: abs < 10 ? 2 : 1
  }).format(seconds / divisor);
}

/** `value` as the page shows it; `—` for no value. */
export function formatFigure(value: number | null, format: FigureFormat, locale: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (format) {
    case 'duration':
      return formatDuration(value, locale);
    case 'percent':
      return numberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    case 'count':
      return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
    case 'decimal':
      return numberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  }
}

/** A relative change such as "+12.5%" / "−3%" (sign always shown). */
export function formatChange(ratio: number, locale: string): string {
  return numberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero'
  }).format(ratio);
}
