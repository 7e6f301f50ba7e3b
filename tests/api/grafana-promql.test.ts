/**
 * Every panel of the shipped Grafana dashboard (deploy/grafana/runboard.json) runs, against a
 * real Prometheus (Debian package `prometheus`) scraping the production app's GET /metrics with
 * the metrics token every second, so the dashboard cannot silently rot. Grafana itself is not
 * run: its variables are replaced as Grafana would (`$workspace` → this workspace's id, and once
 * `.*` as "All"; `$__range` → 5m, `$__rate_interval` → 1m, `$__interval` → 15s) and each
 * target's expression goes through `/api/v1/query`: it must answer `success` with no warnings,
 * and — for every panel whose figures the test produced (all but the 5xx share) — a non-empty
 * result. The events feed every panel: an incident opened by an Alertmanager delivery,
 * acknowledged and resolved over REST; changes completed and failed; shell runs that succeed
 * and fail; tasks moved to done. They come in two rounds with scrapes between, so the counters
 * and histograms increase within the range instead of only appearing. Outside CI a missing
 * binary skips with a reason; under CI it fails.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { loadDashboard, queryPanels, substitute } from '../helpers/grafana';
import { prometheusSkipReason, startPrometheus, type TestPrometheus } from '../helpers/prometheus';
import { tempDataDir } from '../helpers/sync-server';

const WS = 'grafprom';
const TOKEN = 'graf-5e1a9c3b7d2f4e68';
const JOB = 'runboard';
const skip = prometheusSkipReason();
const base = `/api/v1/workspaces/${WS}`;

/** Panels whose figures this test cannot produce: no request here answers 5xx. */
const MAY_BE_EMPTY = new Set(['HTTP 5xx share']);

let app: TestApp;
let prometheus: TestPrometheus;
let users: Record<string, SeededUser>;

async function until<T>(what: string, check: () => Promise<T | null>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}\n${prometheus.output().slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function call(method: string, path: string, body?: unknown, as = 'owner') {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${users[as]!.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? (JSON.parse(text) as unknown) : null };
}

async function ok(method: string, path: string, body?: unknown, as = 'owner') {
  const reply = await call(method, path, body, as);
  expect(reply.status, `${method} ${path}: ${reply.text}`).toBeLessThan(300);
  return reply.body as Record<string, unknown>;
}

/** One value of an instant query on this job and workspace (null: no series yet). */
async function value(promql: string): Promise<number | null> {
  const result = await prometheus.query(promql);
  return result.length === 0 ? null : Number(result[0]!.value[1]);
}

/** Waits until Prometheus has scraped `metric` for the workspace at `atLeast`. */
async function scraped(metric: string, atLeast: number, extra = '') {
  await until(`${metric}${extra} >= ${atLeast}`, async () => {
    const v = await value(`sum(${metric}{job="${JOB}",workspace="${WS}"${extra}})`);
    return v !== null && v >= atLeast ? v : null;
  });
}

let integration = { hookPath: '', secret: '' };
let round = 0;

/** One alert group firing, acknowledged and resolved over REST: MTTA and MTTR observed. */
async function incidentLifecycle() {
  round += 1;
  const payload = JSON.parse(
    readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8')
  ) as { groupKey: string; alerts: { labels: Record<string, string>; fingerprint: string }[] };
  payload.groupKey = `{}:{alertname="GrafanaRound${round}"}`;
  for (const alert of payload.alerts) {
    alert.labels.alertname = `GrafanaRound${round}`;
    alert.fingerprint = `${alert.fingerprint.slice(0, 12)}${String(round).padStart(4, '0')}`;
  }
  const delivered = await fetch(`${app.baseUrl}${integration.hookPath}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${integration.secret}`,
      'content-type': 'application/json'
    },
    body: JSON.stringify(payload)
  });
  expect(delivered.status).toBe(200);
  const intake = (await delivered.json()) as { opened: string[] };
  expect(intake.opened).toHaveLength(1);
  const path = `${base}/incidents/${intake.opened[0]}`;
  await ok('POST', `${path}/acknowledge`, { comment: 'on it' }, 'member');
  await ok('POST', `${path}/resolve`);
}

/** A change driven through approval to `outcome`. */
async function change(outcome: 'completed' | 'failed') {
  const created = await ok(
    'POST',
    `${base}/changes`,
    {
      title: `Rotate certificates (${outcome})`,
      type: 'normal',
      items: [],
      windowStart: new Date(Date.UTC(2030, 0, 1, round)).toISOString(),
      windowEnd: new Date(Date.UTC(2030, 0, 1, round + 1)).toISOString()
    },
    'member'
  );
  const path = `${base}/changes/${created['id'] as string}`;
  await ok('POST', `${path}/transitions`, { to: 'submitted' }, 'member');
  await ok('POST', `${path}/approvals`, { decision: 'approve' }, 'admin');
  for (const to of ['scheduled', 'in_progress', outcome]) {
    await ok('POST', `${path}/transitions`, { to });
  }
}

/** A run of `jobId` to its end. */
async function run(jobId: string, state: 'succeeded' | 'failed') {
  const started = await ok('POST', `${base}/jobs/${jobId}/runs`, {}, 'operator');
  await until(`run ${state}`, async () => {
    const view = (await call('GET', `${base}/runs/${started['id'] as string}`)).body as {
      state: string;
    };
    return ['queued', 'running'].includes(view.state) ? null : view.state;
  }).then((final) => expect(final).toBe(state));
}

/** A plain task created and moved to done. */
async function taskDone() {
  const task = await ok('POST', `${base}/tasks`, { title: `Renew certificates ${round}` });
  await ok('PATCH', `${base}/tasks/${task['id'] as string}`, { status: 'done' });
}

interface QueryAnswer {
  status: string;
  error?: string;
  warnings?: string[];
  infos?: string[];
  data?: { resultType: string; result: { metric: Record<string, string>; value: unknown }[] };
}

async function rawQuery(promql: string): Promise<QueryAnswer> {
  const response = await fetch(
    `${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`
  );
  return (await response.json()) as QueryAnswer;
}

describe.skipIf(skip)('the Grafana dashboard’s PromQL against a real Prometheus', () => {
  beforeAll(async () => {
    const dataDir = tempDataDir('runboard-grafana-promql-');
    users = await seedWorkspace(dataDir, WS, ['owner', 'admin', 'operator', 'member']);
    app = await startApp({ dataDir, env: { METRICS_TOKEN: TOKEN } });
    prometheus = await startPrometheus({
      job: JOB,
      target: new URL(app.baseUrl).host,
      bearer: TOKEN
    });
    await until('up == 1', async () => ((await value(`up{job="${JOB}"}`)) === 1 ? true : null));

    const created = await ok('POST', `${base}/integrations`, {
      type: 'alertmanager',
      name: 'Prod Alertmanager'
    });
    integration = {
      hookPath: created['hookPath'] as string,
      secret: created['secret'] as string
    };
    const okJob = (
      await ok('POST', `${base}/jobs`, { name: 'Succeeds', kind: 'shell', script: 'true' }, 'admin')
    )['id'] as string;
    const failJob = (
      await ok('POST', `${base}/jobs`, { name: 'Fails', kind: 'shell', script: 'exit 3' }, 'admin')
    )['id'] as string;

    // Round 1: every series appears.
    await incidentLifecycle();
    await change('completed');
    await change('failed');
    await run(okJob, 'succeeded');
    await run(failJob, 'failed');
    await taskDone();
    await scraped('runboard_incident_resolve_seconds_count', 1);
    await scraped('runboard_changes_finished_total', 2);
    await scraped('runboard_automation_runs_total', 2);
    await scraped('runboard_tasks_done_total', 1);
    // Round 2, after the first scrapes: the same series increase within the range.
    await incidentLifecycle();
    await change('completed');
    await change('failed');
    await run(okJob, 'succeeded');
    await run(failJob, 'failed');
    await taskDone();
    await scraped('runboard_incident_resolve_seconds_count', 2);
    await scraped('runboard_incident_acknowledge_seconds_count', 2);
    await scraped('runboard_alerts_received_total', 4);
    await scraped('runboard_changes_finished_total', 4);
    await scraped('runboard_automation_runs_total', 4);
    await scraped('runboard_tasks_done_total', 2);
    // Two more scrapes, so every rate has samples after the last event.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
  }, 180_000);
  afterAll(async () => {
    await prometheus?.stop();
    await app?.stop();
  });

  it('answers the workspace variable’s label_values query with the workspace', async () => {
    const variable = loadDashboard().templating.list.find((v) => v.name === 'workspace')!;
    const selector = /^label_values\((.*), workspace\)$/.exec(variable.definition!)![1]!;
    const response = await fetch(
      `${prometheus.url}/api/v1/label/workspace/values?match[]=${encodeURIComponent(selector)}`
    );
    const body = (await response.json()) as { status: string; data: string[] };
    expect(body.status).toBe('success');
    expect(body.data).toContain(WS);
  });

  const panels = queryPanels(loadDashboard());
  it.each(panels.map((panel) => [panel.title, panel] as const))(
    'runs the PromQL of the panel “%s”',
    async (title, panel) => {
      for (const target of panel.targets!) {
        for (const workspace of [WS, '.*']) {
          const promql = substitute(target.expr, { workspace });
          expect(promql, title).not.toMatch(/\$/);
          const answer = await rawQuery(promql);
          expect(answer.status, `${title}: ${promql}: ${answer.error}`).toBe('success');
          expect(answer.warnings ?? [], `${title}: ${promql}`).toEqual([]);
          expect(answer.infos ?? [], `${title}: ${promql}`).toEqual([]);
          expect(answer.data!.resultType, title).toBe('vector');
          if (!MAY_BE_EMPTY.has(title)) {
            expect(answer.data!.result.length, `${title}: ${promql} is empty`).toBeGreaterThan(0);
          }
        }
      }
    }
  );

  it('computes the ratios from the events: failure rate and success rates in [0, 1]', async () => {
    const byTitle = new Map(panels.map((panel) => [panel.title, panel]));
    for (const title of ['Change failure rate', 'Change success rate', 'Automation success rate']) {
      const promql = substitute(byTitle.get(title)!.targets![0]!.expr, { workspace: WS });
      const figure = await value(promql);
      expect(figure, `${title}: ${promql}`).not.toBeNull();
      expect(figure! >= 0 && figure! <= 1, `${title} = ${figure}`).toBe(true);
    }
    // Prometheus' increase() counts only what a series gained after its first scrape: round 1
    // made the series, round 2 added one completed and one failed change, one succeeded and one
    // failed run. So both rates lie strictly between 0 and 1 (about 0.5; the extrapolation to
    // the range's edges differs a little between series).
    for (const title of ['Change failure rate', 'Automation success rate']) {
      const figure = await value(
        substitute(byTitle.get(title)!.targets![0]!.expr, { workspace: WS })
      );
      expect(figure! > 0 && figure! < 1, `${title} = ${figure}`).toBe(true);
    }
    expect(await value(`sum(runboard_incidents_open{job="${JOB}",workspace="${WS}"})`)).toBe(0);
  });
});
