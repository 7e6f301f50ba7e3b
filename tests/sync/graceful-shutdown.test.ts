/**
 * A node's own operations (issue 18, "Operations"), on the real sync entry in a child process:
 * - SIGTERM drains: /readyz answers 503 with `draining` while the node still serves its
 *   clients (edits made then are kept), then every socket closes with 1001 "going away" (the
 *   client reconnects elsewhere), the process exits 0 within its timeout, and a node started on
 *   the same data holds every edit;
 * - a node over `RUNBOARD_MAX_CONNECTIONS` or `RUNBOARD_MAX_MEMORY_MB` refuses new sockets as
 *   `TooManyConnections` (retryable), and the memory limit also fails /readyz.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/lib/shared/sync-protocol';
import { seedWorkspace } from '../helpers/accounts';
import { connectClient, rawClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { startSyncProcess, type ServerProcess } from '../helpers/server-process';
import { readStoredDoc } from '../helpers/store';
import { tempDataDir } from '../helpers/sync-server';

const procs: ServerProcess[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const p of procs.splice(0)) await p.kill('SIGKILL');
});

interface ReadyBody {
  ready: boolean;
  draining: boolean;
  memory: { rssBytes: number; limitBytes?: number; ok: boolean };
}

async function readyz(node: ServerProcess): Promise<{ status: number; body: ReadyBody }> {
  const reply = await fetch(`${node.baseUrl}/readyz`);
  return { status: reply.status, body: (await reply.json()) as ReadyBody };
}

describe('graceful shutdown', () => {
  it('drains on SIGTERM: not ready, still serving, then "going away", exit 0, nothing lost', async () => {
    const dataDir = tempDataDir('runboard-drain-');
    const { owner } = await seedWorkspace(dataDir, 'drain');
    const params = { token: owner!.token };
    const node = await startSyncProcess(dataDir, {
      env: { RUNBOARD_DRAIN_SECONDS: '1.5', RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS: '10' }
    });
    procs.push(node);
    expect((await readyz(node)).status).toBe(200);

    const writer = connectClient(node.wsUrl, 'drain.board', { params });
    const reader = connectClient(node.wsUrl, 'drain.board', { params });
    clients.push(writer, reader);
    await Promise.all([whenSynced(writer), whenSynced(reader)]);
    const closeCodes: number[] = [];
    writer.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event) closeCodes.push(event.code);
    });
    writer.doc.getArray<string>('array').push(['before']);
    await waitFor(() => reader.doc.getArray('array').length === 1, 5_000, 'first edit');

    const sentAt = Date.now();
    node.child.kill('SIGTERM');
    await waitFor(() => node.output().includes('shutting down'), 5_000, 'shutdown log');
    const draining = await readyz(node);
    expect(draining.status).toBe(503);
    expect(draining.body).toMatchObject({ ready: false, draining: true });

    // Still serving while the load balancer takes note.
    writer.doc.getArray<string>('array').push(['during drain']);
    await waitFor(() => reader.doc.getArray('array').length === 2, 1_000, 'edit during drain');

    const { code } = await node.exited;
    expect(code).toBe(0);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1_500);
    await waitFor(() => closeCodes.length > 0, 5_000, 'socket closed');
    expect(closeCodes[0]).toBe(CloseCode.GoingAway);

    const stored = await readStoredDoc(dataDir, 'drain.board');
    expect(stored.getArray('array').toArray()).toEqual(['before', 'during drain']);
  });

  it('exits within RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS even when draining would take longer', async () => {
    const dataDir = tempDataDir('runboard-drain-timeout-');
    const node = await startSyncProcess(dataDir, {
      env: { RUNBOARD_DRAIN_SECONDS: '60', RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS: '1' }
    });
    procs.push(node);
    const sentAt = Date.now();
    node.child.kill('SIGTERM');
    const { code } = await node.exited;
    expect(code).toBe(1);
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    expect(node.output()).toContain('shutdown did not finish in time');
  });
});

describe('per-node limits', () => {
  it('refuses sockets past RUNBOARD_MAX_CONNECTIONS as TooManyConnections', async () => {
    const dataDir = tempDataDir('runboard-maxconn-');
    const { owner } = await seedWorkspace(dataDir, 'limits');
    const node = await startSyncProcess(dataDir, { env: { RUNBOARD_MAX_CONNECTIONS: '2' } });
    procs.push(node);
    const query = `?token=${owner!.token}`;
    const first = rawClient(node.wsUrl, 'limits.board', { query });
    const second = rawClient(node.wsUrl, 'limits.board', { query });
    await Promise.all([first.opened, second.opened]);
    const third = rawClient(node.wsUrl, 'limits.board', { query });
    expect(await third.closed).toBe(CloseCode.TooManyConnections);
    first.ws.close();
    second.ws.close();
  });

  it('over RUNBOARD_MAX_MEMORY_MB: not ready, and new sockets are refused', async () => {
    const dataDir = tempDataDir('runboard-maxmem-');
    const { owner } = await seedWorkspace(dataDir, 'memory');
    // Any Node process with the app loaded holds more than 64 MiB.
    const node = await startSyncProcess(dataDir, { env: { RUNBOARD_MAX_MEMORY_MB: '64' } });
    procs.push(node);
    const { status, body } = await readyz(node);
    expect(status).toBe(503);
    expect(body.memory).toMatchObject({ ok: false, limitBytes: 64 * 1024 * 1024 });
    expect(body.memory.rssBytes).toBeGreaterThan(64 * 1024 * 1024);
    const refused = rawClient(node.wsUrl, 'memory.board', { query: `?token=${owner!.token}` });
    expect(await refused.closed).toBe(CloseCode.TooManyConnections);
  });
});
