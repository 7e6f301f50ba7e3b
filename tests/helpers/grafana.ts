/**
 * The shipped Grafana dashboard (deploy/grafana/runboard.json, docs/grafana.md) as the tests
 * read it: its panels, their PromQL targets, and the expressions with Grafana's variables
 * replaced the way Grafana would before sending them to Prometheus.
 */
import { readFileSync } from 'node:fs';

export const DASHBOARD_PATH = 'deploy/grafana/runboard.json';

export interface GrafanaTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
  datasource?: { type?: string; uid?: string };
}

export interface GrafanaPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { h: number; w: number; x: number; y: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: GrafanaTarget[];
  panels?: GrafanaPanel[];
}

export interface GrafanaVariable {
  name: string;
  type: string;
  query: unknown;
  definition?: string;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  datasource?: { type?: string; uid?: string };
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  time: { from: string; to: string };
  templating: { list: GrafanaVariable[] };
  panels: GrafanaPanel[];
}

export function loadDashboard(): GrafanaDashboard {
  return JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as GrafanaDashboard;
}

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: GrafanaDashboard): GrafanaPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** Panels that query (every one but the rows). */
export function queryPanels(dashboard: GrafanaDashboard): GrafanaPanel[] {
  return allPanels(dashboard).filter((panel) => panel.type !== 'row');
}

/** Grafana's variables as the tests substitute them (`$__range` etc. at fixed values). */
export function substitute(
  expr: string,
  values: { workspace: string; range?: string; rateInterval?: string; interval?: string }
): string {
  return expr
    .replaceAll('$__rate_interval', values.rateInterval ?? '1m')
    .replaceAll('$__range', values.range ?? '5m')
    .replaceAll('$__interval', values.interval ?? '15s')
    .replaceAll('${workspace}', values.workspace)
    .replaceAll('$workspace', values.workspace);
}

/**
 * The metric selectors of an expression: each `runboard_…` name with the matchers in the braces
 * after it ('' when it has none). Label names inside `by (…)` are not metric names: only words
 * starting with `runboard_` are read.
 */
export function metricSelectors(expr: string): { name: string; matchers: string }[] {
  const found: { name: string; matchers: string }[] = [];
  for (const match of expr.matchAll(/\b(runboard_[a-z0-9_]+)(\{([^}]*)\})?/g)) {
    found.push({ name: match[1]!, matchers: match[3] ?? '' });
  }
  return found;
}
