/**
 * The weekly report (docs/notifications.md, "Weekly report"): its settings, and what a report
 * says: the headline figures of a week and of the week before, and the worst incidents. The
 * figures are those of `GET reports/kpis` (docs/kpis.md) over the week in the report's time zone.
 */
import { z } from 'zod';
import { LOCALES } from '../locale';
import { idSchema } from '../model/ids';

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** How many incidents a report lists as the worst. */
export const WORST_INCIDENTS = 5;

const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isKnownTimeZone, 'not a known IANA time zone')
  .describe('IANA time zone of the week and the sending time, e.g. `Asia/Shanghai`.');

export const weeklyReportSettingsSchema = z
  .object({
    enabled: z.boolean(),
    channelId: idSchema.nullable().describe('The notification channel it is sent to.'),
    weekday: z.number().int().min(1).max(7).describe('1 = Monday … 7 = Sunday.'),
    hour: z.number().int().min(0).max(23),
    timeZone: z.string(),
    locale: z.enum(LOCALES).describe('The language the report is written in.'),
    lastWeekStart: z
      .string()
      .nullable()
      .describe('The Monday (YYYY-MM-DD) of the last week whose report was queued.'),
    nextAt: z
      .string()
      .nullable()
      .describe('When the next report is due (ISO), while it is enabled with a channel.'),
    updatedAt: z.string().nullable()
  })
  .meta({ id: 'WeeklyReportSettings', description: 'When and where the weekly report goes.' });
export type WeeklyReportSettings = z.infer<typeof weeklyReportSettingsSchema>;

export const weeklyReportPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    channelId: idSchema.nullable().optional(),
    weekday: z.number().int().min(1).max(7).optional(),
    hour: z.number().int().min(0).max(23).optional(),
    timeZone: timeZoneSchema.optional(),
    locale: z.enum(LOCALES).optional()
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, 'the patch changes nothing')
  .meta({ id: 'WeeklyReportPatch', description: 'Changes to the weekly report settings.' });
export type WeeklyReportPatch = z.infer<typeof weeklyReportPatchSchema>;

/** The headline figures of one week (docs/kpis.md): rates are ratios 0–1, times seconds. */
export const weeklyFiguresSchema = z.object({
  mttaSeconds: z.number().nullable(),
  mttrSeconds: z.number().nullable(),
  incidentsOpened: z.number().int(),
  incidentsResolved: z.number().int(),
  changeSuccessRate: z.number().nullable(),
  changeFailureRate: z.number().nullable(),
  throughput: z.number().int(),
  automationSuccessRate: z.number().nullable()
});
export type WeeklyFigures = z.infer<typeof weeklyFiguresSchema>;
export type WeeklyFigureName = keyof WeeklyFigures;

/** The figures in the order a report shows them. */
export const WEEKLY_FIGURES: readonly WeeklyFigureName[] = [
  'mttaSeconds',
  'mttrSeconds',
  'incidentsOpened',
  'incidentsResolved',
  'changeSuccessRate',
  'changeFailureRate',
  'throughput',
  'automationSuccessRate'
];

/** Whether more of a figure is better (true), worse (false). */
export const HIGHER_IS_BETTER: Readonly<Record<WeeklyFigureName, boolean>> = {
  mttaSeconds: false,
  mttrSeconds: false,
  incidentsOpened: false,
  incidentsResolved: true,
  changeSuccessRate: true,
  changeFailureRate: false,
  throughput: true,
  automationSuccessRate: true
};

/** Rates compare in percentage points, the others by relative change. */
export const RATE_FIGURES: ReadonlySet<WeeklyFigureName> = new Set([
  'changeSuccessRate',
  'changeFailureRate',
  'automationSuccessRate'
]);

export const worstIncidentSchema = z.object({
  id: z.string(),
  key: z.string().nullable(),
  title: z.string(),
  severity: z.string(),
  /** Resolved within the week, or still open at its end. */
  open: z.boolean(),
  /** Time to resolve, or how long it had been open at the week's end. */
  seconds: z.number(),
  /** Its page below the Runboard address. */
  path: z.string()
});
export type WorstIncident = z.infer<typeof worstIncidentSchema>;

/** What a report says; queued with the message, so it reads the same on every retry. */
export const weeklyReportContentSchema = z
  .object({
    locale: z.enum(LOCALES),
    timeZone: z.string(),
    /** The covered week's Monday, YYYY-MM-DD in `timeZone`. */
    weekStart: z.string(),
    from: z.string(),
    to: z.string(),
    current: weeklyFiguresSchema,
    previous: weeklyFiguresSchema,
    worst: z.array(worstIncidentSchema),
    /** The reports page of the week, below the Runboard address. */
    reportPath: z.string()
  })
  .meta({ id: 'WeeklyReportContent' });
export type WeeklyReportContent = z.infer<typeof weeklyReportContentSchema>;

/** A figure's change from the previous week. */
export interface FigureTrend {
  /** Up, down, flat, or none (no figure either week, or nothing to compare a rise with). */
  direction: 'up' | 'down' | 'flat' | 'none';
  /** Relative change in percent (counts, times), or percentage points (rates); rounded. */
  amount: number | null;
  unit: 'percent' | 'points';
  /** Whether the change is an improvement; null when flat or none. */
  better: boolean | null;
}

/** How `name` moved from `previous` to `current`. */
export function figureTrend(
  name: WeeklyFigureName,
  current: number | null,
  previous: number | null
): FigureTrend {
  const rate = RATE_FIGURES.has(name);
  const unit = rate ? 'points' : 'percent';
  if (current === null || previous === null) {
    return { direction: 'none', amount: null, unit, better: null };
  }
  let amount: number;
  if (rate) amount = Math.round((current - previous) * 100);
  else if (previous === 0) {
    if (current === 0) return { direction: 'flat', amount: 0, unit, better: null };
    return { direction: 'none', amount: null, unit, better: null };
  } else amount = Math.round(((current - previous) / previous) * 100);
  if (amount === 0) return { direction: 'flat', amount: 0, unit, better: null };
  const up = amount > 0;
  return {
    direction: up ? 'up' : 'down',
    amount: Math.abs(amount),
    unit,
    better: up === HIGHER_IS_BETTER[name]
  };
}
