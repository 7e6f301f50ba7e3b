/**
 * A new workspace's metrics exist at zero before its first event (docs/metrics.md), so a real
 * Prometheus sees that first event as an increase: the production app with `METRICS_TOKEN`, a
 * workspace created over REST, GET /metrics at once (every counter per outcome and run state,
 * every histogram bucket per severity, all 0), then one task done and one alert group, and
 * Prometheus' increase() over the scrapes. Prometheus scrapes the one app as two jobs, the way
 * it scrapes two nodes: the dashboard's open-incidents panel (max by workspace) still shows one
 * incident where a plain sum shows two. Outside CI a missing binary skips with a reason.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { loadDashboard, queryPanels, substitute } from '../helpers/grafana';
import { prometheusSkipReason, startPrometheus, type TestPrometheus } from '../helpers/prometheus';
import { tempDataDir } from '../helpers/sync-server';
import {
  INCIDENT_DURATION_BUCKETS_SECONDS,
  KPI_LABEL_VALUES
} from '../../src/lib/shared/reports/kpi-definitions';

const TOKEN = 'zero-7c1e5a0b93d24f68';
const JOBS = ['node-a', 'node-b'];
const skip = prometheusSkipReason();

/** Series per workspace: 3 single ones, one per outcome and run state, two histograms. */
const PER_WORKSPACE =
  3 +
  KPI_LABEL_VALUES.outcome.length +
  KPI_LABEL_VALUES.state.length +
  2 * KPI_LABEL_VALUES.severity.length * (INCIDENT_DURATION_BUCKETS_SECONDS.length + 3);

let app: TestApp;
let prometheus: TestPrometheus;
let owner: SeededUser;

async function until<T>(what: string, check: () => Promise<T | null>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function send(path: string, init: { method?: string; auth: string; body?: unknown }) {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.auth.startsWith('rb_session=')
        ? { cookie: init.auth }
        : { authorization: `Bearer ${init.auth}` }),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' })
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body)
  });
  const text = await response.text();
  expect(response.status, `${init.method ?? 'GET'} ${path}: ${text}`).toBeLessThan(300);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The `/metrics` lines of `workspace`. */
async function workspaceLines(workspace: string): Promise<string[]> {
  const response = await fetch(`${app.baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${TOKEN}` }
  });
  expect(response.status).toBe(200);
  const body = await response.text();
  return body.split('\n').filter((line) => line.includes(`workspace="${workspace}"`));
}

/** One value of an instant query (null: no series). */
async function value(promql: string): Promise<number | null> {
  const result = await prometheus.query(promql);
  return result.length === 0 ? null : Number(result[0]!.value[1]);
}

describe.skipIf(skip)('a new workspace’s series at zero, seen by a real Prometheus', () => {
  let workspace = '';
  let before: string[] = [];

  beforeAll(async () => {
    const dataDir = tempDataDir('runboard-metrics-zero-');
    owner = (await seedWorkspace(dataDir, 'zero-home', ['owner'])).owner!;
    app = await startApp({ dataDir, env: { METRICS_TOKEN: TOKEN } });
    const target = new URL(app.baseUrl).host;
    prometheus = await startPrometheus(JOBS.map((job) => ({ job, target, bearer: TOKEN })));

    const login = await fetch(`${app.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: owner.email, password: owner.password })
    });
    expect(login.status).toBe(200);
    const session = /rb_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    workspace = (
      await send('/api/v1/workspaces', {
        method: 'POST',
        auth: session,
        body: { name: 'Zero Series' }
      })
    )['id'] as string;
    // At once, before any scrape or event.
    before = await workspaceLines(workspace);
    const { token } = (await send('/api/v1/tokens', {
      method: 'POST',
      auth: session,
      body: { name: 'zero', workspaceId: workspace }
    })) as { token: string };

    // Both "nodes" scraped the zero series at least twice before the first event.
    await until('zero series scraped', async () => {
      const n = await value(
        `count(count_over_time(runboard_tasks_done_total{workspace="${workspace}"}[1m]) >= 2)`
      );
      return n === JOBS.length ? n : null;
    });

    const base = `/api/v1/workspaces/${workspace}`;
    const task = await send(`${base}/tasks`, {
      method: 'POST',
      auth: token,
      body: { title: 'The first task' }
    });
    await send(`${base}/tasks/${task['id'] as string}`, {
      method: 'PATCH',
      auth: token,
      body: { status: 'done' }
    });
    const integration = await send(`${base}/integrations`, {
      method: 'POST',
      auth: token,
      body: { type: 'alertmanager', name: 'First alerts' }
    });
    const delivered = await fetch(`${app.baseUrl}${integration['hookPath'] as string}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${integration['secret'] as string}`,
        'content-type': 'application/json'
      },
      body: readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8')
    });
    expect(delivered.status).toBe(200);
    await until('the first event scraped', async () => {
      const n = await value(`count(runboard_tasks_done_total{workspace="${workspace}"} == 1)`);
      const open = await value(`count(runboard_incidents_open{workspace="${workspace}"} == 1)`);
      return n === JOBS.length && open === JOBS.length ? n : null;
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await app?.stop();
  });

  it('has every series of the workspace at 0 in /metrics right after it is created', () => {
    expect(before).toHaveLength(PER_WORKSPACE);
    expect(before.filter((line) => !line.endsWith(' 0'))).toEqual([]);
    for (const outcome of KPI_LABEL_VALUES.outcome) {
      expect(before).toContain(
        `runboard_changes_finished_total{workspace="${workspace}",outcome="${outcome}"} 0`
      );
    }
    for (const state of KPI_LABEL_VALUES.state) {
      expect(before).toContain(
        `runboard_automation_runs_total{workspace="${workspace}",state="${state}"} 0`
      );
    }
    for (const severity of KPI_LABEL_VALUES.severity) {
      expect(before).toContain(
        `runboard_incident_acknowledge_seconds_bucket{le="+Inf",workspace="${workspace}",severity="${severity}"} 0`
      );
    }
  });

  it('shows the first event as an increase on every node', async () => {
    for (const job of JOBS) {
      const done = await value(
        `increase(runboard_tasks_done_total{job="${job}",workspace="${workspace}"}[1m])`
      );
      // Prometheus extrapolates to the window's edges: more than 0, about 1.
      expect(done, job).not.toBeNull();
      expect(done!, job).toBeGreaterThan(0.5);
      const alerts = await value(
        `increase(runboard_alerts_received_total{job="${job}",workspace="${workspace}"}[1m])`
      );
      expect(alerts!, job).toBeGreaterThan(0.5);
    }
  });

  it('counts an open incident once across nodes in the dashboard, twice in a plain sum', async () => {
    const panel = queryPanels(loadDashboard()).find((p) => p.title === 'Open incidents')!;
    const promql = substitute(panel.targets![0]!.expr, { workspace });
    expect(await value(promql)).toBe(1);
    expect(await value(`sum(runboard_incidents_open{workspace="${workspace}"})`)).toBe(2);
  });
});
