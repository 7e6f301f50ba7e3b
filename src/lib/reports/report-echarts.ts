/**
 * ECharts for the reports page, tree-shaken: only the core, the bar and line charts, the grid,
 * tooltip, legend and mark-area (anomaly bands) components and the SVG renderer (crisp in print and at any zoom, and a
 * few hundred points per chart draw fast in SVG). This module is reached only through the
 * dynamic `import()` in ReportChart.svelte, so its chunk loads on the reports page alone. The
 * Chinese locale (`ZH`: toolbox and aria texts) ships with `echarts/core`.
 * docs/kpis.md ("Why ECharts") says why ECharts and not uPlot.
 */
import { BarChart, LineChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TooltipComponent
} from 'echarts/components';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  TooltipComponentOption
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  TooltipComponent,
  SVGRenderer
]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
  | TooltipComponentOption
>;

export type { ECharts };

/** A chart in `element`, in the UI's locale (`zh-CN` → ECharts' built-in `ZH`). */
export function createChart(element: HTMLElement, locale: string): ECharts {
  return init(element, null, { renderer: 'svg', locale: locale === 'zh-CN' ? 'ZH' : 'EN' });
}
