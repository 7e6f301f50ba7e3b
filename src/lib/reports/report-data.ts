/**
 * The reports page's reading of `GET reports/kpis` and `GET reports/items` (docs/kpis.md): a
 * schema that checks what the page uses and lets the rest through (the API grows; an older
 * server lacks `series`, `previous` and the newer figures, and the page says so instead of
 * failing), and the headline figures with the direction that counts as better.
 */
import { z } from 'zod';

const definitionSchema = z.object({ id: z.string(), version: z.number(), text: z.string() });

const figureSchema = z.looseObject({
  value: z.number().nullable(),
  unit: z.string(),
  definition: definitionSchema
});

const statsSchema = z.object({
  count: z.number(),
  mean: z.number().nullable(),
  median: z.number().nullable(),
  p90: z.number().nullable()
});

const groupedSchema = z.record(z.string(), statsSchema);

const durationFigureSchema = figureSchema.extend({
  bySeverity: groupedSchema.optional(),
  byService: groupedSchema.optional(),
  byTeam: groupedSchema.optional()
});

const nullableNumber = z.number().nullable();

export const seriesPointSchema = z.looseObject({
  start: z.string(),
  end: z.string(),
  incidentsOpened: z.number().default(0),
  alertsReceived: z.number().default(0),
  mttaSeconds: nullableNumber.default(null),
  mttrSeconds: nullableNumber.default(null),
  changesFinished: z.number().default(0),
  changesFailed: z.number().default(0),
  changeFailureRate: nullableNumber.default(null),
  throughput: z.number().default(0),
  cycleTimeSeconds: nullableNumber.default(null),
  runsFinished: z.number().default(0),
  runsSucceeded: z.number().default(0)
});
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

export const previousSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  mttaSeconds: nullableNumber.optional(),
  mttrSeconds: nullableNumber.optional(),
  incidents: nullableNumber.optional(),
  changeSuccessRate: nullableNumber.optional(),
  changeFailureRate: nullableNumber.optional(),
  throughput: nullableNumber.optional(),
  cycleTimeSeconds: nullableNumber.optional(),
  automationSuccessRate: nullableNumber.optional(),
  alertsPerIncident: nullableNumber.optional()
});
export type PreviousFigures = z.infer<typeof previousSchema>;

export const reportSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  definitionsVersion: z.number(),
  mttaSeconds: nullableNumber,
  mttrSeconds: nullableNumber,
  incidents: z.number(),
  changeSuccessRate: nullableNumber,
  throughput: z.number(),
  figures: z.looseObject({
    mtta: durationFigureSchema,
    mttr: durationFigureSchema,
    incidents: figureSchema,
    changesFinished: figureSchema,
    changeSuccessRate: figureSchema,
    changeFailureRate: figureSchema,
    throughput: figureSchema.extend({
      byDay: z.array(z.object({ day: z.string(), count: z.number() })).optional()
    }),
    cycleTime: figureSchema,
    automationRuns: figureSchema,
    automationSuccessRate: figureSchema,
    alertNoise: figureSchema.optional()
  }),
  series: z
    .object({ bucket: z.enum(['day', 'week', 'month']), points: z.array(seriesPointSchema) })
    .optional(),
  previous: previousSchema.optional(),
  /** Keys of `figures` the filters could not narrow. */
  unfiltered: z.array(z.string()).optional()
});
export type Report = z.infer<typeof reportSchema>;
export type ReportFigure = z.infer<typeof figureSchema>;

export const reportItemSchema = z.looseObject({
  type: z.enum(['incident', 'task', 'change', 'run']),
  id: z.string(),
  key: z.string().nullable(),
  title: z.string(),
  url: z.string(),
  at: z.string(),
  valueSeconds: nullableNumber.default(null)
});
export type ReportItem = z.infer<typeof reportItemSchema>;

/** A page of `GET reports/items`: the items (paged by `offset` and `limit`). */
export const reportItemsSchema = z.array(reportItemSchema);

/** How a figure is shown: a duration, a share, a count, or a ratio such as alerts per incident. */
export type FigureFormat = 'duration' | 'percent' | 'count' | 'decimal';

/** A headline figure: how to read it now and in the previous period, and which way is better. */
export type HeadlineId =
  | 'mtta'
  | 'mttr'
  | 'incidents'
  | 'change_failure_rate'
  | 'change_success_rate'
  | 'throughput'
  | 'cycle_time'
  | 'automation_success_rate'
  | 'alert_noise';

export interface Headline {
  /** Figure id (kpi-definitions.ts), also the drill-down's `figure`. */
  id: HeadlineId;
  format: FigureFormat;
  better: 'lower' | 'higher';
  current: (report: Report) => number | null;
  previous: (previous: PreviousFigures) => number | null;
  /** The figure whose definition the help shows, if the report has it. */
  figure: (report: Report) => ReportFigure | undefined;
}

const orNull = (value: number | null | undefined): number | null => value ?? null;

/** The nine headline figures, in the order of the cards. */
export const HEADLINES: readonly Headline[] = [
  {
    id: 'mtta',
    format: 'duration',
    better: 'lower',
    current: (r) => r.mttaSeconds,
    previous: (p) => orNull(p.mttaSeconds),
    figure: (r) => r.figures.mtta
  },
  {
    id: 'mttr',
    format: 'duration',
    better: 'lower',
    current: (r) => r.mttrSeconds,
    previous: (p) => orNull(p.mttrSeconds),
    figure: (r) => r.figures.mttr
  },
  {
    id: 'incidents',
    format: 'count',
    better: 'lower',
    current: (r) => r.incidents,
    previous: (p) => orNull(p.incidents),
    figure: (r) => r.figures.incidents
  },
  {
    id: 'change_failure_rate',
    format: 'percent',
    better: 'lower',
    current: (r) => r.figures.changeFailureRate.value,
    previous: (p) => orNull(p.changeFailureRate),
    figure: (r) => r.figures.changeFailureRate
  },
  {
    id: 'change_success_rate',
    format: 'percent',
    better: 'higher',
    current: (r) => r.changeSuccessRate,
    previous: (p) => orNull(p.changeSuccessRate),
    figure: (r) => r.figures.changeSuccessRate
  },
  {
    id: 'throughput',
    format: 'count',
    better: 'higher',
    current: (r) => r.throughput,
    previous: (p) => orNull(p.throughput),
    figure: (r) => r.figures.throughput
  },
  {
    id: 'cycle_time',
    format: 'duration',
    better: 'lower',
    current: (r) => r.figures.cycleTime.value,
    previous: (p) => orNull(p.cycleTimeSeconds),
    figure: (r) => r.figures.cycleTime
  },
  {
    id: 'automation_success_rate',
    format: 'percent',
    better: 'higher',
    current: (r) => r.figures.automationSuccessRate.value,
    previous: (p) => orNull(p.automationSuccessRate),
    figure: (r) => r.figures.automationSuccessRate
  },
  {
    id: 'alert_noise',
    format: 'decimal',
    better: 'lower',
    current: (r) => r.figures.alertNoise?.value ?? null,
    previous: (p) => orNull(p.alertsPerIncident),
    figure: (r) => r.figures.alertNoise
  }
];

/** The change from `previous` to `current`: its direction, relative size and whether it is better. */
export interface Trend {
  direction: 'up' | 'down' | 'flat';
  /** Relative change (0.25 = +25 %); null when the previous value was 0. */
  ratio: number | null;
  verdict: 'better' | 'worse' | 'same';
}

/** The trend of a headline, or null when either value is missing. */
export function trendOf(
  current: number | null,
  previous: number | null,
  better: Headline['better']
): Trend | null {
  if (current === null || previous === null) return null;
  const diff = current - previous;
  // Equal within float noise (rates computed from the same counts).
  if (Math.abs(diff) < 1e-9) return { direction: 'flat', ratio: 0, verdict: 'same' };
  const direction = diff > 0 ? 'up' : 'down';
  const improved = better === 'lower' ? diff < 0 : diff > 0;
  return {
    direction,
    ratio: previous === 0 ? null : diff / Math.abs(previous),
    verdict: improved ? 'better' : 'worse'
  };
}

/** The API's query for a view's range and filters. */
export interface ReportQuery {
  from: string;
  to: string;
  timeZone: string;
  service: string | null;
  label: string | null;
  team: string | null;
  severity: string | null;
}

/** The query parameters of `query`, with the filters that are set. */
export function reportParams(query: ReportQuery): URLSearchParams {
  const params = new URLSearchParams({ from: query.from, to: query.to, timeZone: query.timeZone });
  for (const name of ['service', 'label', 'team', 'severity'] as const) {
    const value = query[name];
    if (value !== null) params.set(name, value);
  }
  return params;
}

/** What a drill-down lists: the figure and the bucket or group clicked on a chart. */
export interface DrillTarget {
  figure: string;
  /** Bucket start (ISO) or group value. */
  key: string;
  drill: 'bucket' | 'group';
  /** Which grouping `key` names (group drill-downs). */
  groupBy: 'severity' | 'service' | 'team' | null;
  /** What was clicked, as the chart labels it. */
  title: string;
}
