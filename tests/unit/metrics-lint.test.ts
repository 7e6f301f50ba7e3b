/**
 * Lint of the metrics as Prometheus sees them: prom-client's own exposition of the process
 * registry (metrics-service.ts), parsed here. Names: `runboard_` prefix, snake_case, base units
 * (`_seconds`, `_bytes`; never `_milliseconds`), `_total` on counters only; every family has a
 * HELP line, and each of Runboard's own is its definition's English text
 * (shared/reports/kpi-definitions.ts), one definition per metric and one metric per definition;
 * label names from an allow-list and label values from the fixed enums; and the number of series
 * after events in 50 workspaces is exactly the bound stated below.
 */
import { readFileSync } from 'node:fs';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricsService, METRIC_PREFIX } from '../../src/lib/server/metrics/metrics-service';
import { createLogger } from '../../src/lib/server/log';
import {
  INCIDENT_DURATION_BUCKETS_SECONDS,
  KPI_DEFINITIONS,
  KPI_LABEL_VALUES
} from '../../src/lib/shared/reports/kpi-definitions';

interface Family {
  name: string;
  type: string;
  help: string | null;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** Parses the Prometheus text format (0.0.4) into families. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (!found) {
      found = { name, type: 'untyped', help: null, samples: [] };
      families.set(name, found);
    }
    return found;
  };
  const familyOf = (sample: string): Family => {
    for (const suffix of ['_bucket', '_sum', '_count', '']) {
      if (sample.endsWith(suffix)) {
        const base = sample.slice(0, sample.length - suffix.length);
        const known = families.get(base);
        if (known && (suffix === '' || known.type === 'histogram' || known.type === 'summary')) {
          return known;
        }
      }
    }
    return family(sample);
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const help = /^# HELP (\S+) (.*)$/.exec(line);
    if (help) {
      family(help[1]!).help = help[2]!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      continue;
    }
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      family(type[1]!).type = type[2]!;
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[m[1]!] = m[2]!;
    }
    familyOf(sample[1]!).samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return families;
}

/** Names of prom-client's process metrics (with our prefix): HELP and labels are its own. */
async function processMetricNames(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
}

it('exposes prom-client’s process metrics, less the gauges it names …_total', async () => {
  const { body } = await new MetricsService({
    store: { openIncidentsByWorkspace: async () => new Map() },
    logger: createLogger('error')
  }).exposition();
  const exposed = parseExposition(body);
  for (const name of await processMetricNames()) {
    expect(exposed.has(name), name).toBe(!/^runboard_nodejs_active_\w+_total$/.test(name));
  }
});

const WORKSPACES = 50;
const ROUTES = ['/api/v1/workspaces/[ws]/tasks', '/w/[ws]/board', null] as const;

/** The records of `WORKSPACES` workspaces: ws-0 has 2 open incidents, the others none. */
const recordsStore = {
  openIncidentsByWorkspace: async () =>
    new Map(Array.from({ length: WORKSPACES }, (_, w) => [`ws-${w}`, w === 0 ? 2 : 0]))
};

/** A service after every kind of event in `WORKSPACES` workspaces, several items each. */
async function busyService(incidentsPerWorkspace: number): Promise<MetricsService> {
  const metrics = new MetricsService({
    store: recordsStore,
    logger: createLogger('error'),
    sync: () => ({
      connections: () => 3,
      documentsLoaded: () => 2,
      messages: () => ({ in: 10, out: 12 })
    })
  });
  await metrics.start();
  for (let w = 0; w < WORKSPACES; w++) {
    const ws = `ws-${w}`;
    metrics.onAlertReceived(ws, 3);
    for (let i = 0; i < incidentsPerWorkspace; i++) {
      for (const severity of KPI_LABEL_VALUES.severity) {
        const incident = {
          severity,
          openedAt: '2026-12-07T00:00:00Z',
          acknowledgedAt: '2026-12-07T00:01:30Z',
          resolvedAt: '2026-12-07T02:00:00Z'
        };
        metrics.onIncidentOpened(ws);
        metrics.onIncidentAcknowledged(ws, incident);
        metrics.onIncidentResolved(ws, incident);
      }
      for (const outcome of KPI_LABEL_VALUES.outcome) metrics.onChangeFinished(ws, outcome);
      for (const state of KPI_LABEL_VALUES.state) metrics.onRunFinished(ws, state);
      metrics.onTaskDone(ws);
    }
  }
  for (const route of ROUTES) {
    for (const status of [200, 303, 404, 500]) metrics.observeRequest('GET', route, status, 0.02);
  }
  metrics.observeRequest('POST', ROUTES[0], 201, 0.1);
  return metrics;
}

const LABEL_ALLOW_LIST = new Set([
  'workspace',
  'severity',
  'outcome',
  'state',
  'method',
  'route',
  'status',
  'direction',
  'node',
  'le'
]);
/** Labels of prom-client's process metrics (versions, GC kinds, heap spaces). */
const PROCESS_LABEL_ALLOW_LIST = new Set([
  'type',
  'version',
  'major',
  'minor',
  'patch',
  'kind',
  'space',
  'node',
  'le'
]);

describe('the metrics exposition', async () => {
  const metrics = await busyService(3);
  const { body, contentType } = await metrics.exposition();
  const families = parseExposition(body);
  const processNames = await processMetricNames();
  const own = [...families.values()].filter((f) => !processNames.has(f.name));

  it('is the Prometheus text format', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(own.length).toBeGreaterThan(5);
    expect(processNames.size).toBeGreaterThan(5);
  });

  it('names: runboard_ prefix, snake_case, base units, _total only on counters', () => {
    for (const family of families.values()) {
      expect(family.name).toMatch(/^runboard_[a-z0-9]+(?:_[a-z0-9]+)*$/);
      expect(family.name).not.toMatch(
        /_(milliseconds|ms|microseconds|kilobytes|megabytes|minutes|hours)(_|$)/
      );
      expect(family.name.endsWith('_total'), family.name).toBe(family.type === 'counter');
      if (family.type === 'histogram') expect(family.name).toMatch(/_(seconds|bytes)$/);
    }
    for (const family of own) {
      if (/duration|seconds|latency|time/.test(family.name)) {
        expect(family.name).toMatch(/_seconds(_total)?$/);
      }
    }
  });

  it('HELP on every family; ours are the definitions’ English text, one each way', () => {
    for (const family of families.values()) {
      expect(family.help, family.name).toBeTruthy();
    }
    const defined = new Map(KPI_DEFINITIONS.map((d) => [d.metric, d]));
    expect(own.map((f) => f.name).sort()).toEqual([...defined.keys()].sort());
    for (const family of own) {
      const definition = defined.get(family.name)!;
      expect(family.help).toBe(definition.text.en);
      expect(definition.text.en).not.toMatch(/\n/);
      expect(definition.text['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      expect(family.type).toBe(definition.type);
      expect(definition.unit).toBe(family.name.endsWith('_seconds') ? 'seconds' : '1');
    }
  });

  it('labels: names from the allow-list, values from the fixed enums, never a path', () => {
    const ownNames = new Set(own.map((f) => f.name));
    const enums: Record<string, readonly string[]> = {
      severity: KPI_LABEL_VALUES.severity,
      outcome: KPI_LABEL_VALUES.outcome,
      state: KPI_LABEL_VALUES.state,
      status: ['1xx', '2xx', '3xx', '4xx', '5xx'],
      direction: ['in', 'out'],
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'other']
    };
    for (const family of families.values()) {
      const allowed = ownNames.has(family.name) ? LABEL_ALLOW_LIST : PROCESS_LABEL_ALLOW_LIST;
      const definition = KPI_DEFINITIONS.find((d) => d.metric === family.name);
      for (const sample of family.samples) {
        for (const [name, value] of Object.entries(sample.labels)) {
          expect(allowed, `${family.name}{${name}}`).toContain(name);
          if (definition && name !== 'le') expect(definition.labels).toContain(name);
          if (enums[name])
            expect(enums[name], `${family.name}{${name}="${value}"}`).toContain(value);
          if (name === 'route') expect(value).toMatch(/^(\/[^/]*)*$|^unmatched$/);
          if (name === 'workspace') expect(value).toMatch(/^ws-\d+$/);
        }
      }
    }
  });

  /*
   * The bound. Per workspace: incidents_open, alerts_received_total and tasks_done_total (1
   * series each), changes_finished_total (one per outcome), automation_runs_total (one per run
   * state), and the two incident histograms, each (buckets + `+Inf` + `_sum` + `_count`) per
   * severity. Fixed: sync_connections, sync_documents_loaded, sync_messages_total × 2
   * directions. HTTP: (buckets + 3 + 1 counter) per (method, route id, status class) seen, which
   * is bounded by the app's routes, never by its data.
   */
  const perWorkspace =
    3 +
    KPI_LABEL_VALUES.outcome.length +
    KPI_LABEL_VALUES.state.length +
    2 * KPI_LABEL_VALUES.severity.length * (INCIDENT_DURATION_BUCKETS_SECONDS.length + 3);
  // Sync: connections, documents loaded, messages in/out; fan-out: connected, messages
  // in/out, resyncs; rate-limit fallbacks.
  const fixed = 9;
  const httpPerTriple = 11 + 3 + 1;

  function ownSeries(families: Map<string, Family>): number {
    let n = 0;
    for (const family of families.values())
      if (!processNames.has(family.name)) n += family.samples.length;
    return n;
  }

  it(`series ≤ ${fixed} + httpTriples × ${httpPerTriple} + workspaces × ${perWorkspace}`, async () => {
    const triples = ROUTES.length * 4 + 1;
    expect(perWorkspace).toBe(133);
    expect(ownSeries(families)).toBe(fixed + triples * httpPerTriple + WORKSPACES * perWorkspace);
    // Ten times the items in the same workspaces: not one series more.
    const busier = parseExposition((await (await busyService(30)).exposition()).body);
    expect(ownSeries(busier)).toBe(ownSeries(families));
  });

  it('renders a scrape of 50 busy workspaces in < 100 ms (issue 16 benchmark; median of 11)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 11; i++) {
      const started = performance.now();
      await metrics.exposition();
      times.push(performance.now() - started);
    }
    const median = times.sort((a, b) => a - b)[5]!;
    console.info(
      `metrics: a scrape of ${WORKSPACES} workspaces took ${median.toFixed(1)} ms (median)`
    );
    expect(median).toBeLessThan(100);
  });

  it('node: on every series of the node itself (process, HTTP, sync, fan-out), never on a workspace’s', async () => {
    const named = new MetricsService({
      store: recordsStore,
      logger: createLogger('error'),
      node: 'node-a',
      rateLimits: () => ({ fallbacks: 2 })
    });
    await named.start();
    named.observeRequest('GET', ROUTES[0], 200, 0.01);
    const scraped = parseExposition((await named.exposition()).body);
    let workspaceSeries = 0;
    let nodeSeries = 0;
    for (const family of scraped.values()) {
      for (const sample of family.samples) {
        if ('workspace' in sample.labels) {
          workspaceSeries += 1;
          expect(sample.labels, sample.name).not.toHaveProperty('node');
        } else {
          nodeSeries += 1;
          expect(sample.labels['node'], `${sample.name} ${JSON.stringify(sample.labels)}`).toBe(
            'node-a'
          );
        }
      }
    }
    expect(workspaceSeries).toBe(WORKSPACES * perWorkspace);
    expect(nodeSeries).toBeGreaterThan(fixed);
    for (const definition of KPI_DEFINITIONS) {
      expect(definition.labels.includes('node'), definition.metric).toBe(
        definition.kind === 'process'
      );
    }
    const fallbacks = scraped.get('runboard_rate_limit_fallbacks_total')!.samples;
    expect(fallbacks).toEqual([
      { name: 'runboard_rate_limit_fallbacks_total', labels: { node: 'node-a' }, value: 2 }
    ]);
  });

  it('keeps the counts: 50 workspaces × 3 incidents of each severity, all resolved', () => {
    const open = families.get('runboard_incidents_open')!.samples;
    // ws-0 started with 2 open incidents in the records.
    expect(open.find((s) => s.labels['workspace'] === 'ws-0')!.value).toBe(2);
    expect(open.filter((s) => s.value === 0)).toHaveLength(WORKSPACES - 1);
    const counts = families
      .get('runboard_incident_acknowledge_seconds')!
      .samples.filter((s) => s.name.endsWith('_count'));
    expect(counts).toHaveLength(WORKSPACES * KPI_LABEL_VALUES.severity.length);
    expect(counts.every((s) => s.value === 3)).toBe(true);
    const sync = families.get('runboard_sync_messages_total')!.samples;
    expect(Object.fromEntries(sync.map((s) => [s.labels['direction'], s.value]))).toEqual({
      in: 10,
      out: 12
    });
  });
});

describe('the metrics docs', () => {
  const docs = {
    en: readFileSync('docs/metrics.md', 'utf8'),
    'zh-CN': readFileSync('docs/zh-CN/metrics.md', 'utf8')
  };
  it.each(KPI_DEFINITIONS.map((d) => [d.metric, d] as const))(
    '%s: its type, labels and definition text in both languages',
    (metric, definition) => {
      for (const lang of ['en', 'zh-CN'] as const) {
        const row = docs[lang].split('\n').find((line) => line.startsWith(`| \`${metric}\` `));
        expect(row, `${lang}: ${metric}`).toBeDefined();
        expect(row).toContain(` ${definition.type} `);
        for (const label of definition.labels) expect(row).toContain(`\`${label}\``);
        expect(row).toContain(definition.text[lang]);
      }
    }
  );
  it('documents METRICS_TOKEN and a scrape configuration', () => {
    for (const text of Object.values(docs)) {
      expect(text).toContain('METRICS_TOKEN');
      expect(text).toMatch(/scrape_configs:[\s\S]*authorization:/);
    }
  });
});

/** The samples of `family` for `workspace`, as `name{other labels} value` lines, sorted. */
function seriesOf(families: Map<string, Family>, workspace: string): string[] {
  const lines: string[] = [];
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.labels['workspace'] !== workspace) continue;
      const { workspace: _, ...rest } = sample.labels;
      lines.push(`${sample.name}${JSON.stringify(rest)} ${sample.value}`);
    }
  }
  return lines.sort();
}

describe('every workspace’s series exist at zero before its first event', () => {
  /** A store whose workspaces the test changes; `gate` holds a query until released. */
  function changingStore(initial: string[]) {
    const state = { ids: [...initial], gate: null as Promise<void> | null };
    return {
      state,
      store: {
        openIncidentsByWorkspace: async () => {
          const ids = [...state.ids];
          await state.gate;
          return new Map(ids.map((id) => [id, 0]));
        }
      }
    };
  }
  const perWorkspace =
    3 +
    KPI_LABEL_VALUES.outcome.length +
    KPI_LABEL_VALUES.state.length +
    2 * KPI_LABEL_VALUES.severity.length * (INCIDENT_DURATION_BUCKETS_SECONDS.length + 3);

  it('from the start: every counter per enum value and every histogram bucket, all 0', async () => {
    const metrics = new MetricsService({
      store: recordsStore,
      logger: createLogger('error'),
      processMetrics: false
    });
    await metrics.start();
    const families = parseExposition((await metrics.exposition()).body);
    for (let w = 0; w < WORKSPACES; w++) {
      const series = seriesOf(families, `ws-${w}`);
      expect(series, `ws-${w}`).toHaveLength(perWorkspace);
      const nonZero = series.filter((line) => !line.endsWith(' 0'));
      expect(nonZero).toEqual(w === 0 ? ['runboard_incidents_open{} 2'] : []);
    }
    for (const outcome of KPI_LABEL_VALUES.outcome) {
      expect(seriesOf(families, 'ws-7')).toContain(
        `runboard_changes_finished_total${JSON.stringify({ outcome })} 0`
      );
    }
    for (const severity of KPI_LABEL_VALUES.severity) {
      expect(seriesOf(families, 'ws-7')).toContain(
        `runboard_incident_resolve_seconds_bucket${JSON.stringify({ le: '+Inf', severity })} 0`
      );
    }
  });

  it('a workspace added later starts at 0, an event counts from there, a deleted one is removed', async () => {
    const { state, store } = changingStore(['a']);
    const metrics = new MetricsService({
      store,
      logger: createLogger('error'),
      processMetrics: false
    });
    await metrics.start();
    // Created on this node: at once, before any scrape.
    metrics.addWorkspace('b');
    let families = parseExposition((await metrics.exposition()).body);
    // The records do not list b (yet): a scrape whose query began after b was added removes it.
    expect(seriesOf(families, 'b')).toHaveLength(0);
    state.ids.push('b', 'c'); // created on another node, or by the admin CLI
    families = parseExposition((await metrics.exposition()).body);
    expect(seriesOf(families, 'c')).toHaveLength(perWorkspace);
    expect(seriesOf(families, 'c').every((line) => line.endsWith(' 0'))).toBe(true);
    metrics.onTaskDone('c');
    metrics.onChangeFinished('c', 'failed');
    metrics.addWorkspace('c'); // again: nothing is reset
    families = parseExposition((await metrics.exposition()).body);
    expect(seriesOf(families, 'c')).toContain('runboard_tasks_done_total{} 1');
    expect(seriesOf(families, 'c')).toContain(
      'runboard_changes_finished_total{"outcome":"failed"} 1'
    );
    state.ids = ['a', 'b']; // c deleted
    families = parseExposition((await metrics.exposition()).body);
    expect(seriesOf(families, 'c')).toHaveLength(0);
    expect(seriesOf(families, 'a')).toHaveLength(perWorkspace);
    expect(seriesOf(families, 'b')).toHaveLength(perWorkspace);
  });

  it('a workspace created while a scrape reads the records is kept', async () => {
    const { state, store } = changingStore(['a']);
    const metrics = new MetricsService({
      store,
      logger: createLogger('error'),
      processMetrics: false
    });
    await metrics.start();
    let release = () => {};
    state.gate = new Promise<void>((resolve) => (release = resolve));
    const scrape = metrics.exposition();
    // Committed and added after the scrape's query read the workspaces.
    state.ids.push('new');
    metrics.addWorkspace('new');
    metrics.onAlertReceived('new', 2);
    release();
    await scrape;
    state.gate = null;
    const families = parseExposition((await metrics.exposition()).body);
    expect(seriesOf(families, 'new')).toContain('runboard_alerts_received_total{} 2');
  });

  it('a scrape still answers when the records cannot be read', async () => {
    let fail = false;
    const metrics = new MetricsService({
      store: {
        openIncidentsByWorkspace: async () => {
          if (fail) throw new Error('database down');
          return new Map([['a', 1]]);
        }
      },
      logger: createLogger('error'),
      processMetrics: false
    });
    await metrics.start();
    metrics.onAlertReceived('a', 4);
    fail = true;
    const families = parseExposition((await metrics.exposition()).body);
    expect(seriesOf(families, 'a')).toContain('runboard_alerts_received_total{} 4');
    expect(seriesOf(families, 'a')).toContain('runboard_incidents_open{} 1');
  });
});
