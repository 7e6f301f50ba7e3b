/**
 * [PERSIST3] Clients edit in a burst, the server process is killed with SIGKILL, restarted on
 * the same DATA_DIR: everything any client had received from the server is in the store, and
 * after reconnecting all clients converge with nothing lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { seedWorkspace } from '../helpers/accounts';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { startSyncProcess, type ServerProcess } from '../helpers/server-process';
import { readStoredDoc } from '../helpers/store';
import { tempDataDir } from '../helpers/sync-server';

const procs: ServerProcess[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const p of procs.splice(0)) await p.kill('SIGKILL');
});

const DOC = 'crash.board';
const CLIENTS = 5;

/** Entries `c<i>:<n>` a client holds that were written by other clients (so came from the server). */
function receivedFromServer(client: TestClient, index: number): string[] {
  return client.doc
    .getArray<string>('array')
    .toArray()
    .filter((entry) => !entry.startsWith(`c${index}:`));
}

describe('crash durability', () => {
  it('[PERSIST3] SIGKILL mid-burst loses nothing any client had received', async () => {
    const dataDir = tempDataDir('runboard-crash-');
    const { owner } = await seedWorkspace(dataDir, 'crash');
    const params = { token: owner!.token };
    const first = await startSyncProcess(dataDir);
    procs.push(first);
    for (let i = 0; i < CLIENTS; i++) clients.push(connectClient(first.wsUrl, DOC, { params }));
    await Promise.all(clients.map((c) => whenSynced(c)));

    // Burst: every client appends as fast as the event loop allows for a while.
    let written = 0;
    let running = true;
    const burst = clients.map(async (client, i) => {
      let n = 0;
      while (running) {
        client.doc.getArray<string>('array').push([`c${i}:${n++}`]);
        written++;
        if (n % 5 === 0) await new Promise((r) => setImmediate(r));
      }
    });
    await waitFor(() => written > 3_000, 20_000, 'burst');
    first.child.kill('SIGKILL');
    const { signal } = await first.exited;
    running = false;
    await Promise.all(burst);
    expect(signal).toBe('SIGKILL');

    // What each client had received from the server at the moment of the kill.
    const received = new Set(clients.flatMap((c, i) => receivedFromServer(c, i)));
    expect(received.size).toBeGreaterThan(0);
    const stored = await readStoredDoc(dataDir, DOC);
    const inStore = new Set(stored.getArray<string>('array').toArray());
    const missing = [...received].filter((entry) => !inStore.has(entry));
    expect(missing).toEqual([]);

    // Restart on the same port; the providers reconnect and resync by state vector.
    const second = await startSyncProcess(dataDir, { port: first.port });
    procs.push(second);
    const all = new Set(clients.flatMap((c) => c.doc.getArray<string>('array').toArray()));
    for (const client of clients) {
      await waitFor(
        () => client.provider.synced && client.doc.getArray('array').length === all.size,
        20_000,
        'client convergence'
      );
    }
    const expected = JSON.stringify(clients[0]!.doc.getArray('array').toJSON());
    for (const client of clients) {
      expect(JSON.stringify(client.doc.getArray('array').toJSON())).toBe(expected);
    }
    // And the store holds everything after a graceful stop.
    await second.kill('SIGTERM');
    const final = await readStoredDoc(dataDir, DOC);
    expect(final.getArray('array').length).toBe(all.size);
  });
});
