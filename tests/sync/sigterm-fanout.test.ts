/**
 * A graceful stop in a cluster (issue 18): three real sync nodes on one fresh PostgreSQL database
 * and Redis, stock y-websocket clients on each; the clients of node C come through a TCP
 * balancer. Node C gets SIGTERM (RUNBOARD_DRAIN_SECONDS=1) in the middle of a burst of edits,
 * the balancer stops sending to it (as a load balancer does once /readyz fails), its clients are
 * closed with "going away" and reconnect through the balancer to A or B, and in the end every
 * client holds the same entries, the store holds them all, and nothing any client saw is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { readStoredOn, startCluster } from '../helpers/cluster';
import { SHARED_REDIS_URL, startBalancer } from '../helpers/redis';
import type { ServerProcess } from '../helpers/server-process';

const procs: ServerProcess[] = [];
const clients: TestClient[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const p of procs.splice(0)) await p.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const readStored = readStoredOn;

describe('SIGTERM of one node among three, with fan-out', () => {
  it('moves its clients to the others through the balancer, and loses nothing any client saw', async () => {
    const { target, token, nodes } = await startCluster(
      'drain3',
      3,
      SHARED_REDIS_URL,
      (node) => procs.push(node),
      { RUNBOARD_DRAIN_SECONDS: '1', RUNBOARD_SHUTDOWN_TIMEOUT_SECONDS: '10' }
    );
    const [a, b, c] = nodes as [ServerProcess, ServerProcess, ServerProcess];
    // The balancer sends new connections to C only at first, so C's clients are known.
    const balancer = await startBalancer([c.port]);
    cleanups.push(() => balancer.close());
    const doc = 'drain3.board';
    const connect = (url: string) => {
      const client = connectClient(url, doc, { params: { token: token } });
      clients.push(client);
      return client;
    };
    const onC = [connect(balancer.wsUrl), connect(balancer.wsUrl), connect(balancer.wsUrl)];
    const onA = connect(a.wsUrl);
    const onB = connect(b.wsUrl);
    const all = [...onC, onA, onB];
    await Promise.all(all.map((client) => whenSynced(client)));

    // Everything any client ever held, remembered as it arrives.
    const seen = new Set<string>();
    for (const client of all) {
      const array = client.doc.getArray<string>('array');
      array.observe(() => {
        for (const entry of array.toArray()) seen.add(entry);
      });
    }
    let running = true;
    let written = 0;
    const closes: number[] = [];
    for (const client of onC) {
      client.provider.on('connection-close', (event: CloseEvent | null) => {
        if (event) closes.push(event.code);
      });
    }
    const load = Promise.all(
      all.map(async (client, i) => {
        let n = 0;
        while (running) {
          if (client.provider.wsconnected) {
            client.doc.getArray<string>('array').push([`c${i}:${n++}`]);
            written++;
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      })
    );
    await waitFor(() => written > 500, 20_000, 'edits before the stop');

    // SIGTERM C; the balancer sees it leave (its /readyz fails) and sends new connections to A, B.
    c.child.kill('SIGTERM');
    balancer.setBackends([a.port, b.port]);
    const { code } = await c.exited;
    expect(code).toBe(0);
    expect(closes).toContain(1001);
    const afterStop = written;
    await waitFor(
      () => onC.every((client) => client.provider.wsconnected) && written > afterStop + 500,
      20_000,
      "C's clients reconnected through the balancer and editing"
    );
    running = false;
    await load;

    const first = () => JSON.stringify(onA.doc.getArray('array').toJSON());
    await waitFor(
      () =>
        all.every(
          (client) =>
            client.provider.synced &&
            JSON.stringify(client.doc.getArray('array').toJSON()) === first()
        ),
      20_000,
      'every client holding the same entries'
    );
    const content = onA.doc.getArray<string>('array').toArray();
    // Nothing any client saw (its own edits included) is lost.
    for (const client of all) {
      for (const entry of client.doc.getArray<string>('array').toArray()) seen.add(entry);
    }
    const finalSet = new Set(content);
    expect([...seen].filter((entry) => !finalSet.has(entry))).toEqual([]);
    expect(content.length).toBe(finalSet.size);

    // Graceful stops of A and B; the store holds every entry once.
    await a.kill('SIGTERM');
    await b.kill('SIGTERM');
    const stored = (await readStored(target, doc)).getArray<string>('array').toArray();
    expect(new Set(stored)).toEqual(finalSet);
    expect(stored.length).toBe(content.length);
  });
});
