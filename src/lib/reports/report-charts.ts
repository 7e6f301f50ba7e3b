/**
 * The reports page's charts as data: which measures each chart draws from the report, on which
 * axis, and which figure a click on a bar or point drills into (GET reports/items). The ECharts
 * option is built from such a spec in `chartOption`, with the page's colours and formats, so the
 * page and its tests share one description.
 */
import { SEVERITIES } from '../shared/alerts/schema';
import type { FigureFormat, Report, SeriesPoint } from './report-data';
import type { ChartOption } from './report-echarts';
import { bucketLabel, type Bucket } from './report-range';

export const CHART_IDS = [
  'incidents',
  'response',
  'groups',
  'changes',
  'flow',
  'automation'
] as const;
export type ChartId = (typeof CHART_IDS)[number];

/** The names a chart's series go by (message keys `reportsPage.series.<name>`). */
export type SeriesName =
  | 'incidents'
  | 'alerts'
  | 'mtta'
  | 'mttr'
  | 'changesFinished'
  | 'changesFailed'
  | 'changeFailureRate'
  | 'throughput'
  | 'cycleTime'
  | 'runsFinished'
  | 'runsSucceeded'
  | 'automationSuccessRate';

export interface ChartSeries {
  name: SeriesName;
  kind: 'bar' | 'line';
  /** 0: left axis, 1: right axis. */
  axis: 0 | 1;
  values: (number | null)[];
  /** Figure id the drill-down lists for a click on this series. */
  figure: string;
  color: keyof ChartPalette;
}

export interface ChartSpec {
  id: ChartId;
  /** Category labels on the x axis. */
  categories: string[];
  /** What a category is to the drill-down: a bucket start (ISO) or a group value. */
  keys: string[];
  drill: 'bucket' | 'group';
  series: ChartSeries[];
  axes: [FigureFormat] | [FigureFormat, FigureFormat];
  /** Definition ids shown under the chart when printed. */
  definitions: string[];
  /** Anomaly bands (docs/ai.md, "Anomalies"): categories `from`…`to` (inclusive) marked. */
  bands?: ChartBand[];
}

/** One anomaly drawn as a band over the categories it overlaps, with its text. */
export interface ChartBand {
  from: number;
  to: number;
  label: string;
}

/** What a band is drawn from: an anomaly event of the AI (shared/ai/anomaly.ts). */
export interface BandEvent {
  series: 'alerts' | 'tasks';
  start: string;
  end: string;
  label: string;
}

/**
 * The specs with the anomaly events as bands: alert events on the incidents and alerts chart,
 * task events on the flow chart, each over the buckets (`keys` are bucket starts) it overlaps.
 */
export function withAnomalyBands(
  specs: readonly ChartSpec[],
  events: readonly BandEvent[],
  rangeEnd: string
): ChartSpec[] {
  const chartOf = { alerts: 'incidents', tasks: 'flow' } as const;
  return specs.map((spec) => {
    if (spec.drill !== 'bucket') return spec;
    const bands: ChartBand[] = [];
    const starts = spec.keys.map((k) => Date.parse(k));
    const endOf = (i: number) => starts[i + 1] ?? Date.parse(rangeEnd);
    for (const event of events) {
      if (chartOf[event.series] !== spec.id) continue;
      const s = Date.parse(event.start);
      const e = Date.parse(event.end);
      const hit = starts.flatMap((start, i) => (start < e && s < endOf(i) ? [i] : []));
      if (hit.length > 0)
        bands.push({ from: hit[0]!, to: hit[hit.length - 1]!, label: event.label });
    }
    return bands.length > 0 ? { ...spec, bands } : spec;
  });
}

/** Colours read from the page's CSS variables, so charts follow the light and dark themes. */
export interface ChartPalette {
  text: string;
  muted: string;
  border: string;
  accent: string;
  danger: string;
  warn: string;
  ok: string;
  info: string;
  orange: string;
}

/** Grouping of MTTA and MTTR in the `groups` chart. */
export type GroupDimension = 'severity' | 'service' | 'team';

/** The dimensions the report has groups for (severity always; service and team once given). */
export function groupDimensions(report: Report): GroupDimension[] {
  const dims: GroupDimension[] = ['severity'];
  if (report.figures.mtta.byService !== undefined || report.figures.mttr.byService !== undefined)
    dims.push('service');
  if (report.figures.mtta.byTeam !== undefined || report.figures.mttr.byTeam !== undefined)
    dims.push('team');
  return dims;
}

function seriesOf<K extends keyof SeriesPoint>(points: SeriesPoint[], key: K): (number | null)[] {
  return points.map((point) => {
    const value = point[key];
    return typeof value === 'number' ? value : null;
  });
}

/**
 * The specs of the report's charts. Bucketed charts need `series` (servers before the reports
 * API additions have none: those charts are left out and the page says why).
 */
export function chartSpecs(
  report: Report,
  options: { locale: string; group: GroupDimension; groupLabel: (value: string) => string }
): ChartSpec[] {
  const specs: ChartSpec[] = [];
  const series = report.series;
  if (series !== undefined) {
    const points = series.points;
    const bucket: Bucket = series.bucket;
    const categories = points.map((p) =>
      bucketLabel(p.start, bucket, options.locale, report.timeZone)
    );
    const keys = points.map((p) => p.start);
    const base = { categories, keys, drill: 'bucket' as const };
    specs.push(
      {
        ...base,
        id: 'incidents',
        axes: ['count'],
        definitions: ['incidents', 'alert_noise'],
        series: [
          {
            name: 'incidents',
            kind: 'bar',
            axis: 0,
            values: seriesOf(points, 'incidentsOpened'),
            figure: 'incidents',
            color: 'danger'
          },
          {
            name: 'alerts',
            kind: 'bar',
            axis: 0,
            values: seriesOf(points, 'alertsReceived'),
            figure: 'alert_noise',
            color: 'orange'
          }
        ]
      },
      {
        ...base,
        id: 'response',
        axes: ['duration'],
        definitions: ['mtta', 'mttr'],
        series: [
          {
            name: 'mtta',
            kind: 'line',
            axis: 0,
            values: seriesOf(points, 'mttaSeconds'),
            figure: 'mtta',
            color: 'warn'
          },
          {
            name: 'mttr',
            kind: 'line',
            axis: 0,
            values: seriesOf(points, 'mttrSeconds'),
            figure: 'mttr',
            color: 'accent'
          }
        ]
      }
    );
  }
  // MTTA and MTTR by group: from the totals, present with or without a series.
  const groupsOf = (figure: 'mtta' | 'mttr') => {
    const f = report.figures[figure];
    return options.group === 'severity'
      ? f.bySeverity
      : options.group === 'service'
        ? f.byService
        : f.byTeam;
  };
  const mttaGroups = groupsOf('mtta') ?? {};
  const mttrGroups = groupsOf('mttr') ?? {};
  // Groups with something measured (the API lists every severity, also those without any).
  const measured = (key: string) =>
    (mttaGroups[key]?.count ?? 0) > 0 || (mttrGroups[key]?.count ?? 0) > 0;
  const groupKeys =
    options.group === 'severity'
      ? SEVERITIES.filter(measured)
      : [...new Set([...Object.keys(mttaGroups), ...Object.keys(mttrGroups)])]
          .filter(measured)
          .sort();
  specs.push({
    id: 'groups',
    categories: groupKeys.map(options.groupLabel),
    keys: groupKeys,
    drill: 'group',
    axes: ['duration'],
    definitions: ['mtta', 'mttr'],
    series: [
      {
        name: 'mtta',
        kind: 'bar',
        axis: 0,
        values: groupKeys.map((k) => mttaGroups[k]?.mean ?? null),
        figure: 'mtta',
        color: 'warn'
      },
      {
        name: 'mttr',
        kind: 'bar',
        axis: 0,
        values: groupKeys.map((k) => mttrGroups[k]?.mean ?? null),
        figure: 'mttr',
        color: 'accent'
      }
    ]
  });
  if (series !== undefined) {
    const points = series.points;
    const categories = points.map((p) =>
      bucketLabel(p.start, series.bucket, options.locale, report.timeZone)
    );
    const base = { categories, keys: points.map((p) => p.start), drill: 'bucket' as const };
    specs.push(
      {
        ...base,
        id: 'changes',
        axes: ['count', 'percent'],
        definitions: ['changes_finished', 'change_failure_rate'],
        series: [
          {
            name: 'changesFinished',
            kind: 'bar',
            axis: 0,
            values: seriesOf(points, 'changesFinished'),
            figure: 'changes_finished',
            color: 'info'
          },
          {
            name: 'changesFailed',
            kind: 'bar',
            axis: 0,
            values: seriesOf(points, 'changesFailed'),
            figure: 'change_failure_rate',
            color: 'danger'
          },
          {
            name: 'changeFailureRate',
            kind: 'line',
            axis: 1,
            values: seriesOf(points, 'changeFailureRate'),
            figure: 'change_failure_rate',
            color: 'orange'
          }
        ]
      },
      {
        ...base,
        id: 'flow',
        axes: ['count', 'duration'],
        definitions: ['throughput', 'cycle_time'],
        series: [
          {
            name: 'throughput',
            kind: 'bar',
            axis: 0,
            values: seriesOf(points, 'throughput'),
            figure: 'throughput',
            color: 'ok'
          },
          {
            name: 'cycleTime',
            kind: 'line',
            axis: 1,
            values: seriesOf(points, 'cycleTimeSeconds'),
            figure: 'cycle_time',
            color: 'accent'
          }
        ]
      },
      {
        ...base,
        id: 'automation',
        axes: ['count', 'percent'],
        definitions: ['automation_runs', 'automation_success_rate'],
        series: [
          {
            name: 'runsFinished',
            kind: 'bar',
            axis: 0,
            values: seriesOf(points, 'runsFinished'),
            figure: 'automation_runs',
            color: 'info'
          },
          {
            name: 'runsSucceeded',
            kind: 'bar',
            axis: 0,
            values: seriesOf(points, 'runsSucceeded'),
            figure: 'automation_success_rate',
            color: 'ok'
          },
          {
            name: 'automationSuccessRate',
            kind: 'line',
            axis: 1,
            values: points.map((p) =>
              p.runsFinished === 0 ? null : p.runsSucceeded / p.runsFinished
            ),
            figure: 'automation_success_rate',
            color: 'accent'
          }
        ]
      }
    );
  }
  return specs;
}

/** Whether a spec has anything to draw. */
export function hasData(spec: ChartSpec): boolean {
  return (
    spec.series.some((s) => s.values.some((v) => v !== null && v !== 0)) ||
    (spec.bands?.length ?? 0) > 0
  );
}

/** The ECharts option of `spec`. */
export function chartOption(
  spec: ChartSpec,
  palette: ChartPalette,
  names: (name: SeriesName) => string,
  format: (value: number | null, format: FigureFormat) => string,
  options: { animate: boolean }
): ChartOption {
  const axisFormat = (index: 0 | 1) => spec.axes[index] ?? spec.axes[0];
  return {
    animation: options.animate,
    textStyle: { color: palette.text },
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    legend: { top: 0, left: 0, textStyle: { color: palette.muted }, itemGap: 12 },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: undefined,
      formatter: (params) => {
        const list = Array.isArray(params) ? params : [params];
        const title = list[0]?.name ?? '';
        const lines = list.map((p) => {
          const s = spec.series[p.seriesIndex ?? 0];
          const value = typeof p.value === 'number' ? p.value : null;
          return `${String(p.marker ?? '')} ${p.seriesName ?? ''}: <b>${format(value, axisFormat(s?.axis ?? 0))}</b>`;
        });
        const index = list[0]?.dataIndex ?? -1;
        const bands = (spec.bands ?? [])
          .filter((b) => b.from <= index && index <= b.to)
          .map((b) => `⚠ ${escapeHtml(b.label)}`);
        return [escapeHtml(title), ...lines, ...bands].join('<br>');
      }
    },
    xAxis: {
      type: 'category',
      data: spec.categories,
      axisLabel: { color: palette.muted, hideOverlap: true },
      axisLine: { lineStyle: { color: palette.border } },
      axisTick: { show: false }
    },
    yAxis: spec.axes.map((f, index) => ({
      type: 'value' as const,
      position: index === 0 ? ('left' as const) : ('right' as const),
      ...(f === 'percent' ? { max: 1, min: 0 } : { minInterval: f === 'count' ? 1 : 0 }),
      axisLabel: { color: palette.muted, formatter: (v: number) => format(v, f) },
      splitLine: { show: index === 0, lineStyle: { color: palette.border } }
    })),
    series: spec.series.map((s, index) =>
      s.kind === 'bar'
        ? {
            ...(index === 0 ? bandsOption(spec, palette) : {}),
            type: 'bar' as const,
            name: names(s.name),
            yAxisIndex: s.axis,
            data: s.values,
            itemStyle: { color: palette[s.color], borderRadius: [3, 3, 0, 0] },
            barMaxWidth: 28,
            cursor: 'pointer'
          }
        : {
            type: 'line' as const,
            name: names(s.name),
            yAxisIndex: s.axis,
            data: s.values,
            connectNulls: false,
            symbolSize: 7,
            itemStyle: { color: palette[s.color] },
            lineStyle: { width: 2 },
            cursor: 'pointer'
          }
    )
  };
}

/** The anomaly bands as a mark area of a chart's first series, each labelled with its text. */
function bandsOption(spec: ChartSpec, palette: ChartPalette) {
  if (!spec.bands || spec.bands.length === 0) return {};
  return {
    markArea: {
      silent: true,
      itemStyle: { color: palette.danger, opacity: 0.12 },
      label: { color: palette.danger, position: 'insideTop' as const, fontSize: 11 },
      data: spec.bands.map(
        (band) =>
          [
            { name: band.label, xAxis: spec.categories[band.from] },
            { xAxis: spec.categories[band.to] }
          ] as [{ name: string; xAxis: string | undefined }, { xAxis: string | undefined }]
      )
    }
  };
}

/** Category names come from data (service and team names): never HTML in the tooltip. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
