/**
 * The shipped Grafana dashboard (deploy/grafana/runboard.json, docs/grafana.md) against the
 * metrics the app really exposes: the names and label names come from the metrics service's own
 * registry (metrics-service.ts, a fresh instance with prom-client's process metrics), so a metric
 * renamed or a label dropped there fails here. Also its variables, datasources, units, panel ids
 * and layout, and the provisioning YAML beside it. That the PromQL runs is
 * tests/api/grafana-promql.test.ts (a real Prometheus).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MetricsService } from '../../src/lib/server/metrics/metrics-service';
import { createLogger } from '../../src/lib/server/log';
import { KPI_DEFINITIONS } from '../../src/lib/shared/reports/kpi-definitions';
import {
  allPanels,
  loadDashboard,
  metricSelectors,
  queryPanels,
  type GrafanaDashboard
} from '../helpers/grafana';

/** Every series name the registry exposes, with its label names (histograms: `le` on `_bucket`). */
function exposedMetrics(): Map<string, Set<string>> {
  const service = new MetricsService({
    store: { openIncidentsByWorkspace: async () => new Map() },
    logger: createLogger('error')
  });
  const names = new Map<string, Set<string>>();
  for (const metric of service.registry.getMetricsAsArray()) {
    const { name, type, labelNames } = metric as unknown as {
      name: string;
      type: string;
      labelNames?: string[];
    };
    const labels = new Set(labelNames ?? []);
    if (type === 'histogram') {
      names.set(`${name}_bucket`, new Set([...labels, 'le']));
      names.set(`${name}_sum`, labels);
      names.set(`${name}_count`, labels);
    } else if (type === 'summary') {
      names.set(name, new Set([...labels, 'quantile']));
      names.set(`${name}_sum`, labels);
      names.set(`${name}_count`, labels);
    } else {
      names.set(name, labels);
    }
  }
  return names;
}

const dashboard: GrafanaDashboard = loadDashboard();
const exposed = exposedMetrics();
const panels = queryPanels(dashboard);
const targets = panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({ panel, target }))
);

describe('deploy/grafana/runboard.json', () => {
  it('is a Grafana 10/11 dashboard with uid runboard and a 7-day default range', () => {
    expect(dashboard.uid).toBe('runboard');
    expect(dashboard.title).toBe('Runboard');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.schemaVersion).toBeLessThanOrEqual(41);
    expect(dashboard.time).toEqual({ from: 'now-7d', to: 'now' });
  });

  it('has a prometheus datasource variable and a multi-valued workspace variable', () => {
    const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.get('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const workspace = variables.get('workspace')!;
    expect(workspace).toMatchObject({
      type: 'query',
      multi: true,
      includeAll: true,
      allValue: '.*',
      datasource: { type: 'prometheus', uid: '${datasource}' }
    });
    const query = (workspace.query as { query: string }).query;
    expect(query).toBe(workspace.definition);
    // label_values over metrics that exist and carry the workspace label.
    const names = /__name__=~"runboard_\(([^)]*)\)"/.exec(query)![1]!.split('|');
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      expect(exposed.get(`runboard_${name}`), name).toBeDefined();
      expect(exposed.get(`runboard_${name}`)!.has('workspace'), name).toBe(true);
    }
    expect(query).toMatch(/, workspace\)$/);
  });

  it('queries through ${datasource} in every panel and target, with a unit and a description', () => {
    expect(panels.length).toBeGreaterThanOrEqual(20);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.fieldConfig?.defaults?.unit, panel.title).toBeTruthy();
      expect(panel.description?.length ?? 0, panel.title).toBeGreaterThan(20);
      expect(panel.targets?.length ?? 0, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) {
        expect(target.datasource, panel.title).toEqual({
          type: 'prometheus',
          uid: '${datasource}'
        });
        expect(target.expr.trim(), panel.title).not.toBe('');
      }
    }
  });

  it('references only metrics the registry exposes, filtered by $workspace where they carry it', () => {
    expect(targets.length).toBeGreaterThan(0);
    for (const { panel, target } of targets) {
      const selectors = metricSelectors(target.expr);
      expect(selectors.length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
      for (const { name, matchers } of selectors) {
        const labels = exposed.get(name);
        expect(labels, `${panel.title}: ${name} is not exposed`).toBeDefined();
        if (labels!.has('workspace')) {
          expect(matchers, `${panel.title}: ${name}`).toContain('workspace=~"$workspace"');
        }
        // Every label matched on exists on the metric.
        for (const [, label] of matchers.matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g)) {
          expect(labels!.has(label!), `${panel.title}: ${name} has no label ${label}`).toBe(true);
        }
      }
      // Every label grouped by exists on some metric of the expression (or is `instance`/`le`).
      for (const [, list] of target.expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
        for (const label of list!.split(',').map((l) => l.trim())) {
          const known =
            label === 'instance' || selectors.some(({ name }) => exposed.get(name)!.has(label));
          expect(known, `${panel.title}: by (${label})`).toBe(true);
        }
      }
    }
  });

  it('combines the nodes: counters and histograms summed, incidents_open by max, never by instance', () => {
    // Each node exposes its own /metrics (docs/metrics.md): its counters and histograms hold the
    // events it handled, so they add up across instances; incidents_open is the same level on
    // every node (read from the shared records), so adding would count it once per node.
    for (const { panel, target } of targets) {
      const expr = target.expr;
      for (const { name } of metricSelectors(expr)) {
        if (!exposed.get(name)!.has('workspace')) continue;
        const where = `${panel.title}: ${expr}`;
        expect(expr, where).not.toMatch(/\bby\s*\([^)]*\binstance\b/);
        if (name === 'runboard_incidents_open') {
          const wrapped = expr.match(/max by \(workspace\) \(runboard_incidents_open\{/g) ?? [];
          const uses = expr.match(/runboard_incidents_open\{/g) ?? [];
          expect(wrapped.length, where).toBe(uses.length);
        } else {
          // Every aggregation over a per-node counter or histogram is a sum.
          expect(expr, where).toMatch(/^(sum|histogram_quantile\(0\.\d+, sum)\b/);
          expect(expr, where).not.toMatch(/\b(max|min|avg)\s*(by\s*\([^)]*\)\s*)?\(/);
        }
      }
    }
  });

  it('shows every ops KPI, and describes each panel with its KPI definition', () => {
    const used = new Set(targets.flatMap(({ target }) => metricSelectors(target.expr)));
    const usedNames = new Set([...used].map((s) => s.name.replace(/_(bucket|sum|count)$/, '')));
    for (const definition of KPI_DEFINITIONS) {
      expect(usedNames.has(definition.metric), definition.metric).toBe(true);
    }
    for (const panel of panels) {
      const kpis = KPI_DEFINITIONS.filter((definition) =>
        (panel.targets ?? []).some((t) =>
          metricSelectors(t.expr).some(
            (s) => s.name.replace(/_(bucket|sum|count)$/, '') === definition.metric
          )
        )
      );
      if (kpis.length === 0) continue;
      expect(
        kpis.some((definition) => panel.description!.includes(definition.text.en)),
        panel.title
      ).toBe(true);
    }
  });

  it('uses seconds for durations and percentunit for ratios', () => {
    for (const panel of panels) {
      const unit = panel.fieldConfig!.defaults!.unit;
      const exprs = panel.targets!.map((t) => t.expr);
      if (exprs.some((e) => /_seconds_(bucket|sum)\b/.test(e) && !/cpu/.test(e))) {
        expect(unit, panel.title).toBe('s');
      }
      if (/rate$|share$/i.test(panel.title)) expect(unit, panel.title).toBe('percentunit');
    }
    const failure = panels.find((p) => p.title === 'Change failure rate')!;
    expect(failure.description).toContain(
      '(failed + rolled_back) / (completed + failed + rolled_back)'
    );
    expect(failure.targets![0]!.expr).toContain('outcome=~"failed|rolled_back"');
  });

  it('has unique panel ids and a layout with no overlapping panels', () => {
    const all = allPanels(dashboard);
    const ids = all.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const occupied = new Map<string, string>();
    for (const panel of all) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      expect(w > 0 && h > 0 && x >= 0 && y >= 0, panel.title).toBe(true);
      for (let row = y; row < y + h; row++) {
        for (let col = x; col < x + w; col++) {
          const cell = `${col},${row}`;
          expect(occupied.get(cell), `${panel.title} overlaps ${occupied.get(cell)}`).toBe(
            undefined
          );
          occupied.set(cell, panel.title);
        }
      }
    }
  });
});

describe('deploy/grafana/provisioning', () => {
  it('provisions a Prometheus datasource from $PROMETHEUS_URL', () => {
    const config = parse(
      readFileSync('deploy/grafana/provisioning/datasources/runboard.yaml', 'utf8')
    ) as { apiVersion: number; datasources: Record<string, unknown>[] };
    expect(config.apiVersion).toBe(1);
    expect(config.datasources).toHaveLength(1);
    expect(config.datasources[0]).toMatchObject({
      type: 'prometheus',
      access: 'proxy',
      url: '${PROMETHEUS_URL}'
    });
  });

  it('provisions the dashboard folder with a file provider', () => {
    const config = parse(
      readFileSync('deploy/grafana/provisioning/dashboards/runboard.yaml', 'utf8')
    ) as { apiVersion: number; providers: { type: string; options: { path: string } }[] };
    expect(config.apiVersion).toBe(1);
    expect(config.providers).toHaveLength(1);
    expect(config.providers[0]!.type).toBe('file');
    expect(config.providers[0]!.options.path).toMatch(/^\//);
  });
});
