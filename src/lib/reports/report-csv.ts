/**
 * The reports page's CSV export (docs/kpis.md, "CSV export"): one table with machine-readable
 * English column ids and figure ids, whatever the UI language, so a spreadsheet or a script
 * reads every export the same way. UTF-8 with a byte-order mark, which Excel needs to open
 * the file as UTF-8 (group names may be Chinese); CRLF line ends as RFC 4180 has them.
 *
 * Rows, in order:
 * - `total`: every figure of the report over the range (`figure` = its definition id), with the
 *   previous period's value where the report compares;
 * - `group`: MTTA and MTTR means by severity, service and team (`group` = `severity:critical`);
 * - `bucket`: the series, one row per point and measure (`figure` = the measure in snake case).
 */
import { HEADLINES, type Report, type SeriesPoint } from './report-data';

/** The header row. */
export const CSV_COLUMNS = [
  'kind',
  'figure',
  'group',
  'start',
  'end',
  'value',
  'unit',
  'previous_value'
] as const;

/** The series measures exported, with their CSV ids and units. */
const SERIES_MEASURES: readonly { key: keyof SeriesPoint; id: string; unit: string }[] = [
  { key: 'incidentsOpened', id: 'incidents_opened', unit: '1' },
  { key: 'alertsReceived', id: 'alerts_received', unit: '1' },
  { key: 'mttaSeconds', id: 'mtta', unit: 'seconds' },
  { key: 'mttrSeconds', id: 'mttr', unit: 'seconds' },
  { key: 'changesFinished', id: 'changes_finished', unit: '1' },
  { key: 'changesFailed', id: 'changes_failed', unit: '1' },
  { key: 'changeFailureRate', id: 'change_failure_rate', unit: 'ratio' },
  { key: 'throughput', id: 'throughput', unit: '1' },
  { key: 'cycleTimeSeconds', id: 'cycle_time', unit: 'seconds' },
  { key: 'runsFinished', id: 'automation_runs', unit: '1' },
  { key: 'runsSucceeded', id: 'automation_runs_succeeded', unit: '1' }
];

/** One CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  // A leading =, +, - or @ would make a spreadsheet run a formula from a group name.
  const safe = typeof value === 'string' && /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function isFigure(value: unknown): value is {
  value: number | null;
  unit: string;
  definition: { id: string };
} {
  if (typeof value !== 'object' || value === null) return false;
  const figure = value as Record<string, unknown>;
  const definition = figure['definition'] as Record<string, unknown> | undefined;
  return (
    (typeof figure['value'] === 'number' || figure['value'] === null) &&
    typeof figure['unit'] === 'string' &&
    typeof definition?.['id'] === 'string'
  );
}

type Row = (string | number | null)[];

/** The CSV of `report` (see the module comment), starting with the BOM. */
export function reportCsv(report: Report): string {
  const rows: Row[] = [[...CSV_COLUMNS]];
  const previousOf = new Map<string, number | null>();
  if (report.previous !== undefined) {
    for (const headline of HEADLINES) {
      previousOf.set(headline.id, headline.previous(report.previous));
    }
  }
  for (const figure of Object.values(report.figures)) {
    if (!isFigure(figure)) continue;
    const id = figure.definition.id;
    rows.push([
      'total',
      id,
      null,
      report.from,
      report.to,
      figure.value,
      figure.unit,
      previousOf.get(id) ?? null
    ]);
  }
  for (const [id, figure] of [
    ['mtta', report.figures.mtta],
    ['mttr', report.figures.mttr]
  ] as const) {
    for (const [dimension, groups] of [
      ['severity', figure.bySeverity],
      ['service', figure.byService],
      ['team', figure.byTeam]
    ] as const) {
      for (const [group, stats] of Object.entries(groups ?? {})) {
        rows.push([
          'group',
          id,
          `${dimension}:${group}`,
          report.from,
          report.to,
          stats.mean,
          'seconds',
          null
        ]);
      }
    }
  }
  for (const point of report.series?.points ?? []) {
    for (const measure of SERIES_MEASURES) {
      const value = point[measure.key];
      rows.push([
        'bucket',
        measure.id,
        null,
        point.start,
        point.end,
        typeof value === 'number' ? value : null,
        measure.unit,
        null
      ]);
    }
  }
  return '\uFEFF' + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** The download name: `runboard-report-<ws>-<from day>-<to day>.csv`. */
export function csvFileName(workspaceId: string, fromDay: string, toDay: string): string {
  return `runboard-report-${workspaceId}-${fromDay}-${toDay}.csv`;
}
