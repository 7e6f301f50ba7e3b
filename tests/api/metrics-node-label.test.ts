/**
 * The `node` label on a real node's `GET /metrics` (docs/metrics.md "Several nodes"): started
 * with `RUNBOARD_NODE_NAME=x`, the production app and a sync-only node put `node="x"` on every
 * series that describes the node itself (process, HTTP, sync, fan-out, rate limits) and on none
 * of the workspace series, which are summed across nodes and told apart by `instance`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWorkspace } from '../helpers/accounts';
import { startApp, type TestApp } from '../helpers/app-process';
import { startSyncProcess, type ServerProcess } from '../helpers/server-process';
import { tempDataDir } from '../helpers/sync-server';

const WS = 'nodelabel';
/** The series of the node itself that must carry the label (docs/metrics.md). */
const NODE_SERIES = [
  'runboard_sync_connections',
  'runboard_sync_documents_loaded',
  'runboard_sync_messages_total',
  'runboard_fanout_connected',
  'runboard_fanout_messages_total',
  'runboard_fanout_resyncs_total',
  'runboard_rate_limit_fallbacks_total',
  'runboard_process_resident_memory_bytes',
  'runboard_http_requests_total'
];

let app: TestApp;
let sync: ServerProcess;

beforeAll(async () => {
  const dataDir = tempDataDir('runboard-metrics-node-');
  await seedWorkspace(dataDir, WS, ['owner']);
  app = await startApp({ dataDir, env: { RUNBOARD_NODE_NAME: 'x' } });
  sync = await startSyncProcess(tempDataDir('runboard-metrics-node-sync-'), {
    env: { RUNBOARD_NODE_NAME: 'sync-7' }
  });
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await sync?.kill('SIGTERM');
});

/** The sample lines of an exposition: `name{labels} value`, comments left out. */
async function samples(baseUrl: string): Promise<{ name: string; labels: string }[]> {
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  return (await response.text())
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
      expect(match, line).not.toBeNull();
      return { name: match![1]!, labels: match![2] ?? '' };
    });
}

describe('RUNBOARD_NODE_NAME on /metrics', () => {
  it('app: node="x" on the node’s own series, never on a workspace series', async () => {
    // One request first, so the HTTP series exist.
    await fetch(`${app.baseUrl}/healthz`);
    const all = await samples(app.baseUrl);
    for (const name of NODE_SERIES) {
      const series = all.filter((s) => s.name === name);
      expect(series.length, name).toBeGreaterThan(0);
      for (const s of series) expect(s.labels, name).toMatch(/(^|,)node="x"(,|$)/);
    }
    const workspace = all.filter((s) => s.labels.includes(`workspace="${WS}"`));
    // incidents_open, alerts, tasks done, changes, runs and the incident histograms.
    expect(workspace.length).toBe(133);
    for (const s of workspace) expect(s.labels, s.name).not.toMatch(/(^|,)node=/);
    // Every series is one or the other: with a workspace, or of this node.
    for (const s of all) {
      expect(s.labels.includes('workspace=') || /(^|,)node="x"(,|$)/.test(s.labels), s.name).toBe(
        true
      );
    }
  });

  it('sync-only node: its own name on the sync series', async () => {
    const all = await samples(sync.baseUrl);
    const connections = all.filter((s) => s.name === 'runboard_sync_connections');
    expect(connections).toEqual([{ name: 'runboard_sync_connections', labels: 'node="sync-7"' }]);
  });
});
