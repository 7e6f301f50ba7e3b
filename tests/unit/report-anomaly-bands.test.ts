/**
 * Anomaly bands on the reports charts (report-charts.ts `withAnomalyBands`, `chartOption`): an
 * event marks the buckets it overlaps on its series' chart only, as a labelled mark area, and
 * the axis tooltip of a marked bucket names it.
 */
import { describe, expect, test } from 'vitest';
import {
  chartOption,
  withAnomalyBands,
  type ChartPalette,
  type ChartSpec
} from '../../src/lib/reports/report-charts';

const days = ['2026-12-07', '2026-12-08', '2026-12-09'].map((d) => `${d}T00:00:00.000Z`);
const spec = (id: 'incidents' | 'flow'): ChartSpec => ({
  id,
  categories: ['7', '8', '9'],
  keys: days,
  drill: 'bucket',
  axes: ['count'],
  definitions: [],
  series: [
    { name: 'alerts', kind: 'bar', axis: 0, values: [1, 2, 3], figure: 'x', color: 'orange' }
  ]
});
const palette = Object.fromEntries(
  ['text', 'muted', 'border', 'accent', 'danger', 'warn', 'ok', 'info', 'orange'].map((k) => [
    k,
    '#000'
  ])
) as unknown as ChartPalette;

describe('anomaly bands', () => {
  test('mark the overlapped buckets of the matching chart', () => {
    const [alerts, flow] = withAnomalyBands(
      [spec('incidents'), spec('flow')],
      [
        {
          series: 'alerts',
          start: '2026-12-08T22:00:00.000Z',
          end: '2026-12-09T02:00:00.000Z',
          label: 'alerts for db-01: 42 vs expected 6'
        }
      ],
      '2026-12-10T00:00:00.000Z'
    );
    expect(alerts!.bands).toEqual([
      { from: 1, to: 2, label: 'alerts for db-01: 42 vs expected 6' }
    ]);
    expect(flow!.bands).toBeUndefined();
    const option = chartOption(
      alerts!,
      palette,
      (n) => n,
      (v) => String(v),
      { animate: false }
    );
    const series = option.series as { markArea?: { data: unknown[] } }[];
    expect(series[0]!.markArea!.data).toEqual([
      [{ name: 'alerts for db-01: 42 vs expected 6', xAxis: '8' }, { xAxis: '9' }]
    ]);
    const tooltip = option.tooltip as { formatter: (p: unknown) => string };
    const at = (dataIndex: number) =>
      tooltip.formatter([{ name: 'x', dataIndex, seriesIndex: 0, value: 1, seriesName: 'a' }]);
    expect(at(2)).toContain('alerts for db-01: 42 vs expected 6');
    expect(at(0)).not.toContain('db-01');
  });
});
