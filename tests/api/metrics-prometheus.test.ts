/**
 * A real Prometheus (Debian package `prometheus`) scrapes the production app's GET /metrics
 * with the metrics token, every second: the target is up, and an alert delivered over REST
 * shows in `runboard_alerts_received_total` and `runboard_incidents_open` for its workspace, as
 * Prometheus' HTTP API answers it. Outside CI a missing binary skips with a reason; under CI it
 * fails.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { prometheusSkipReason, startPrometheus, type TestPrometheus } from '../helpers/prometheus';
import { tempDataDir } from '../helpers/sync-server';

const WS = 'promscrape';
const TOKEN = 'prom-8c2d7e1f4a9b3c6d';
const JOB = 'runboard';
const skip = prometheusSkipReason();

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

describe.skipIf(skip)('Prometheus scrapes GET /metrics', () => {
  beforeAll(async () => {
    const dataDir = tempDataDir('runboard-metrics-prometheus-');
    users = await seedWorkspace(dataDir, WS, ['owner']);
    app = await startApp({ dataDir, env: { METRICS_TOKEN: TOKEN } });
    prometheus = await startPrometheus({
      job: JOB,
      target: new URL(app.baseUrl).host,
      bearer: TOKEN
    });
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
    await app?.stop();
  });

  it('scrapes with the token: the target is up', async () => {
    expect(prometheus.config).toContain(`"credentials": "${TOKEN}"`);
    const up = await until('up == 1', async () => {
      const result = await prometheus.query(`up{job="${JOB}"}`);
      return result[0]?.value[1] === '1' ? result : null;
    });
    expect(up).toHaveLength(1);
  });

  it('sees an alert delivered over REST in the KPI metrics', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${app.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${users['owner']!.token}`,
          'content-type': 'application/json'
        },
        body: body === undefined ? undefined : JSON.stringify(body)
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const created = await call('POST', `/api/v1/workspaces/${WS}/integrations`, {
      type: 'alertmanager',
      name: 'Prod Alertmanager'
    });
    expect(created.status).toBe(201);
    const payload = JSON.parse(
      readFileSync('tests/fixtures/alerts/alertmanager-firing.json', 'utf8')
    ) as { alerts: unknown[] };
    const delivered = await fetch(`${app.baseUrl}${created.body['hookPath'] as string}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${created.body['secret'] as string}`,
        'content-type': 'application/json'
      },
      body: JSON.stringify(payload)
    });
    expect(delivered.status).toBe(200);
    const intake = (await delivered.json()) as { newOccurrences: number; opened: string[] };
    expect(intake.opened).toHaveLength(1);

    const received = await until('runboard_alerts_received_total in Prometheus', async () => {
      const result = await prometheus.query(
        `runboard_alerts_received_total{job="${JOB}",workspace="${WS}"}`
      );
      return result[0]?.value[1] === String(intake.newOccurrences) ? result : null;
    });
    expect(received[0]!.metric['workspace']).toBe(WS);
    expect(Number(received[0]!.value[1])).toBe(payload.alerts.length);
    const open = await prometheus.query(`runboard_incidents_open{job="${JOB}",workspace="${WS}"}`);
    expect(open[0]?.value[1]).toBe('1');
    // A histogram quantile over the scraped buckets evaluates (no data yet: an empty vector).
    await prometheus.query(
      `histogram_quantile(0.9, sum by (le) (rate(runboard_incident_acknowledge_seconds_bucket{job="${JOB}"}[1m])))`
    );
  });
});
