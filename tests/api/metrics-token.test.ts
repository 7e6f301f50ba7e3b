/**
 * `GET /metrics` on the production app (DESIGN.md §2 "`/metrics` access", metrics-api.ts): with
 * `METRICS_TOKEN` set, no token, a wrong one, a member's API token and a token of another length
 * get the 401 JSON error; the right one gets the Prometheus text format. Without it, /metrics is
 * open, also before the first account exists. HTTP requests are labelled with the route id,
 * never the path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace, type SeededUser } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { startSyncProcess } from '../helpers/server-process';
import { errorShape } from '../helpers/rest';
import { tempDataDir } from '../helpers/sync-server';

const WS = 'metricstoken';
const TOKEN = 'mt-6f1e0c9b2a7d4e38b5c1';

let app: TestApp;
let open: TestApp;
let users: Record<string, SeededUser>;

beforeAll(async () => {
  const dataDir = tempDataDir('runboard-metrics-token-');
  users = await seedWorkspace(dataDir, WS, ['owner']);
  [app, open] = await Promise.all([
    startApp({ dataDir, env: { METRICS_TOKEN: TOKEN } }),
    // No account at all: the first-run redirect to /setup must not swallow /metrics.
    startApp({ dataDir: tempDataDir('runboard-metrics-open-') })
  ]);
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await open?.stop();
});

function scrape(target: TestApp, authorization?: string): Promise<Response> {
  return fetch(`${target.baseUrl}/metrics`, {
    headers: authorization === undefined ? {} : { authorization },
    redirect: 'manual'
  });
}

describe('GET /metrics with METRICS_TOKEN', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a wrong token of the same length', `Bearer ${TOKEN.slice(0, -1)}x`],
    ['a longer token', `Bearer ${TOKEN}0`],
    ['the token in another scheme', `Basic ${TOKEN}`],
    ['a member’s API token', 'member']
  ])('401 JSON error with %s', async (_what, authorization) => {
    const header = authorization === 'member' ? `Bearer ${users['owner']!.token}` : authorization;
    const response = await scrape(app, header);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = errorShape.parse(await response.json());
    expect(body.error.code).toBe('unauthorized');
  });

  it('200 and the Prometheus text format with the token', async () => {
    // A workspace REST call first, so its route shows up in the HTTP metrics.
    const tasks = await fetch(`${app.baseUrl}/api/v1/workspaces/${WS}/tasks`, {
      headers: { authorization: `Bearer ${users['owner']!.token}` }
    });
    expect(tasks.status).toBe(200);
    const response = await scrape(app, `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^# HELP runboard_incidents_open /m);
    expect(text).toMatch(/^# TYPE runboard_sync_connections gauge$/m);
    expect(text).toMatch(/^runboard_process_cpu_seconds_total\{node="[^"]+"\} \d/m);
    // The route id, never the path with the workspace in it.
    expect(text).toMatch(
      /^runboard_http_requests_total\{(node="[^"]+",)?method="GET",route="\/api\/v1\/workspaces\/\[[a-z]+\]\/tasks",status="2xx"(,node="[^"]+")?\} 1$/m
    );
    expect(text).not.toContain(`/workspaces/${WS}/`);
    // The refused scrapes were counted too, as 4xx on the /metrics route.
    expect(text).toMatch(
      /^runboard_http_requests_total\{(node="[^"]+",)?method="GET",route="\/metrics",status="4xx"(,node="[^"]+")?\} 5$/m
    );
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  it('is open, even before the first account exists', async () => {
    const response = await scrape(open);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# TYPE runboard_alerts_received_total counter$/m);
  });
});

describe('GET /metrics on a sync-only node', () => {
  it('has the same token rule and serves that node’s metrics', async () => {
    const node = await startSyncProcess(tempDataDir('runboard-metrics-sync-'), {
      env: { METRICS_TOKEN: TOKEN }
    });
    try {
      const refused = await fetch(`${node.baseUrl}/metrics`, {
        headers: { authorization: 'Bearer not-the-metrics-token' }
      });
      expect(refused.status).toBe(401);
      expect(errorShape.parse(await refused.json()).error.code).toBe('unauthorized');
      const scraped = await fetch(`${node.baseUrl}/metrics`, {
        headers: { authorization: `Bearer ${TOKEN}` }
      });
      expect(scraped.status).toBe(200);
      const text = await scraped.text();
      expect(text).toMatch(/^runboard_sync_connections\{node="[^"]+"\} 0$/m);
      expect(text).toMatch(/^# HELP runboard_incidents_open /m);
    } finally {
      await node.kill();
    }
  }, 60_000);
});
