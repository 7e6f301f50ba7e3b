/**
 * Several nodes on one PostgreSQL database (fresh per run) and Redis (a unique channel prefix on
 * the shared one, or an own redis-server for the restart), with stock y-websocket clients spread
 * across them: [FANOUT1]–[FANOUT4] and [FANOUT10] in tests/sync/SPEC.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { removeMember } from '../../src/lib/server/workspaces/workspaces-service';
import { CloseCode } from '../../src/lib/shared/sync-protocol';
import { rebaseBoard } from '../../src/lib/server/board/board-rebase';
import { generationOf } from '../../sync-server/generations';
import { seedWorkspace } from '../helpers/accounts';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { TEST_SECRET_KEY, databaseTargetFor } from '../helpers/database';
import {
  SHARED_REDIS_URL,
  startBalancer,
  startOwnRedis,
  uniqueRedisPrefix,
  type Balancer,
  type OwnRedis
} from '../helpers/redis';
import { startSyncProcess, type ServerProcess } from '../helpers/server-process';
import { tempDataDir } from '../helpers/sync-server';
import {
  readStoredOn,
  startCluster as startClusterOn,
  startRuntimeNode,
  type Cluster
} from '../helpers/cluster';

const procs: ServerProcess[] = [];
const clients: TestClient[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const p of procs.splice(0)) await p.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh PostgreSQL database with a workspace, and `count` sync nodes on it and `redisUrl`. */
function startCluster(workspaceId: string, count: number, redisUrl: string): Promise<Cluster> {
  return startClusterOn(workspaceId, count, redisUrl, (node) => procs.push(node));
}

const readStored = readStoredOn;

function connect(wsUrl: string, doc: string, token: string): TestClient {
  const client = connectClient(wsUrl, doc, { params: { token } });
  clients.push(client);
  return client;
}

/** Every client appends `c<i>:<n>` as fast as the event loop allows until `stop()`. */
function burst(list: readonly TestClient[]) {
  let running = true;
  let written = 0;
  const done = Promise.all(
    list.map(async (client, i) => {
      let n = 0;
      while (running) {
        if (client.provider.wsconnected) {
          client.doc.getArray<string>('array').push([`c${i}:${n++}`]);
          written++;
        }
        await new Promise((r) => setTimeout(r, n % 10 === 0 ? 2 : 0));
      }
    })
  );
  return {
    written: () => written,
    async stop() {
      running = false;
      await done;
    }
  };
}

/** Waits until every client holds the same entries, in the same order. */
async function converged(list: readonly TestClient[], timeoutMs: number): Promise<string[]> {
  const union = () => new Set(list.flatMap((c) => c.doc.getArray<string>('array').toArray()));
  await waitFor(
    () => {
      const size = union().size;
      const first = JSON.stringify(list[0]!.doc.getArray('array').toJSON());
      return list.every(
        (c) =>
          c.provider.synced &&
          c.doc.getArray('array').length === size &&
          JSON.stringify(c.doc.getArray('array').toJSON()) === first
      );
    },
    timeoutMs,
    'convergence'
  );
  return list[0]!.doc.getArray<string>('array').toArray();
}

async function metric(node: ServerProcess, name: string): Promise<number> {
  const body = await (await fetch(`${node.baseUrl}/metrics`)).text();
  // A node's own series carry its `node` label: `name{node="…"} value`.
  const line = body.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

/**
 * Node A in this process (a runtime: the app's services can be called on it) and node B a child
 * process, on a fresh PostgreSQL database and a unique prefix on the shared Redis.
 */
async function startPair(workspaceId: string, roles: Parameters<typeof seedWorkspace>[2]) {
  const dataDir = tempDataDir('runboard-fanout-');
  const target = (await databaseTargetFor(dataDir, 'postgres')) as Cluster['target'];
  const users = await seedWorkspace(dataDir, workspaceId, roles, target);
  const prefix = uniqueRedisPrefix();
  const nodeA = await startRuntimeNode(dataDir, target, prefix);
  cleanups.push(() => nodeA.close());
  const nodeB = await startSyncProcess(dataDir, {
    env: {
      DATABASE_URL: target.databaseUrl,
      RUNBOARD_SECRET_KEY: TEST_SECRET_KEY,
      REDIS_URL: SHARED_REDIS_URL,
      REDIS_PREFIX: prefix
    }
  });
  procs.push(nodeB);
  return { runtime: nodeA.runtime, wsUrlA: nodeA.wsUrl, nodeB, target, users };
}

describe('fan-out across nodes', () => {
  it('[FANOUT1] edits and awareness cross three nodes in under a second', async () => {
    const cluster = await startCluster('fanout1', 3, SHARED_REDIS_URL);
    const doc = 'fanout1.board';
    const [a, b, c] = cluster.nodes.map((node) => connect(node.wsUrl, doc, cluster.token));
    await Promise.all([a, b, c].map((client) => whenSynced(client!)));

    for (const [writer, index] of [
      [a!, 0],
      [b!, 1],
      [c!, 2]
    ] as const) {
      const started = Date.now();
      writer.doc.getArray<string>('array').push([`from-${index}`]);
      await waitFor(
        () =>
          [a!, b!, c!].every((x) => x.doc.getArray('array').toArray().includes(`from-${index}`)),
        1_000,
        `edit of node ${index} on every node`
      );
      expect(Date.now() - started).toBeLessThan(1_000);
    }

    const started = Date.now();
    b!.provider.awareness.setLocalStateField('user', { name: 'bee' });
    const seesBee = (x: TestClient) =>
      (x.provider.awareness.getStates().get(b!.doc.clientID) as { user?: { name?: string } })?.user
        ?.name === 'bee';
    await waitFor(() => seesBee(a!) && seesBee(c!), 1_000, 'awareness on every node');
    expect(Date.now() - started).toBeLessThan(1_000);

    // A client leaving node 2: its presence disappears on the other nodes too.
    const gone = c!.doc.clientID;
    c!.provider.awareness.setLocalStateField('user', { name: 'sea' });
    await waitFor(() => a!.provider.awareness.getStates().has(gone), 1_000, 'presence of c');
    c!.provider.disconnect();
    await waitFor(() => !a!.provider.awareness.getStates().has(gone), 2_000, 'c gone on node 0');

    // A node loading the document later (node 2 unloaded it) gets everything from the store.
    const late = connect(cluster.nodes[2]!.wsUrl, doc, cluster.token);
    await whenSynced(late);
    await waitFor(() => late.doc.getArray('array').length === 3, 2_000, 'late client');
    expect(await metric(cluster.nodes[0]!, 'runboard_fanout_connected')).toBe(1);
  });

  it('[FANOUT2] Redis restarted mid-burst: every document converges, and the store has it all', async () => {
    const redis: OwnRedis = await startOwnRedis();
    cleanups.push(() => redis.stop());
    const cluster = await startCluster('fanout2', 2, redis.url);
    const docs = ['fanout2.board', 'fanout2.runbook.r1'];
    const byDoc = docs.map((doc) =>
      [0, 1, 0, 1].map((n) => connect(cluster.nodes[n]!.wsUrl, doc, cluster.token))
    );
    const all = byDoc.flat();
    await Promise.all(all.map((client) => whenSynced(client)));

    const load = burst(all);
    await waitFor(() => load.written() > 1_000, 20_000, 'burst before the restart');
    await redis.stop();
    const duringOutage = load.written();
    await waitFor(() => load.written() > duringOutage + 1_000, 20_000, 'burst while Redis is down');
    await redis.start();
    const afterRestart = load.written();
    await waitFor(() => load.written() > afterRestart + 1_000, 20_000, 'burst after the restart');
    await load.stop();

    const contents = [];
    for (const list of byDoc) contents.push(await converged(list, 20_000));
    for (const node of cluster.nodes) {
      expect(await metric(node, 'runboard_fanout_resyncs_total')).toBeGreaterThan(0);
      expect(await metric(node, 'runboard_fanout_connected')).toBe(1);
    }
    // Graceful stops write whatever is still queued; then the store holds every entry once.
    for (const node of cluster.nodes) await node.kill('SIGTERM');
    for (const [i, doc] of docs.entries()) {
      const stored = (await readStored(cluster.target, doc)).getArray<string>('array').toArray();
      expect(stored.length).toBe(contents[i]!.length);
      expect(new Set(stored)).toEqual(new Set(contents[i]));
    }
  });

  it('[FANOUT3] SIGKILL of a node mid-burst: its clients move, and every update any client saw is stored', async () => {
    const cluster = await startCluster('fanout3', 2, SHARED_REDIS_URL);
    const balancer: Balancer = await startBalancer(cluster.nodes.map((n) => n.port));
    cleanups.push(() => balancer.close());
    const doc = 'fanout3.board';
    const list = [0, 1, 2, 3].map(() => connect(balancer.wsUrl, doc, cluster.token));
    await Promise.all(list.map((client) => whenSynced(client)));

    const load = burst(list);
    await waitFor(() => load.written() > 2_000, 20_000, 'burst');
    const [victim, survivor] = cluster.nodes as [ServerProcess, ServerProcess];
    victim.child.kill('SIGKILL');
    const { signal } = await victim.exited;
    expect(signal).toBe('SIGKILL');
    // What every client had received from a node (entries of other clients) at the kill.
    const received = new Set(
      list.flatMap((client, i) =>
        client.doc
          .getArray<string>('array')
          .toArray()
          .filter((entry) => !entry.startsWith(`c${i}:`))
      )
    );
    expect(received.size).toBeGreaterThan(0);
    const atKill = new Set(
      (await readStored(cluster.target, doc)).getArray<string>('array').toArray()
    );
    expect([...received].filter((entry) => !atKill.has(entry))).toEqual([]);

    // The burst goes on: the victim's clients reconnect through the balancer to the survivor.
    balancer.setBackends([survivor.port]);
    const afterKill = load.written();
    await waitFor(() => load.written() > afterKill + 500, 20_000, 'burst after the kill');
    await load.stop();
    const content = await converged(list, 20_000);
    await survivor.kill('SIGTERM');
    const stored = (await readStored(cluster.target, doc)).getArray<string>('array').toArray();
    expect(new Set(stored)).toEqual(new Set(content));
    expect(stored.length).toBe(content.length);
  });

  it('[FANOUT4] a member removed through node A is disconnected on node B within 2 s', async () => {
    const { runtime, wsUrlA, nodeB, users } = await startPair('fanout4', ['owner', 'member']);
    const { owner, member } = users;
    const onA = connect(wsUrlA, 'fanout4.board', owner!.token);
    const onB = connect(nodeB.wsUrl, 'fanout4.board', member!.token);
    await Promise.all([whenSynced(onA), whenSynced(onB)]);
    const codes: number[] = [];
    onB.provider.on('connection-close', (event) => {
      if (event) codes.push(event.code);
    });
    await waitFor(() => runtime.fanout!.figures.peers > 0, 10_000, 'node B heard on node A');

    const started = Date.now();
    await removeMember(
      runtime,
      { userId: owner!.userId, label: 'owner', origin: { ip: null, userAgent: null } },
      'fanout4',
      member!.userId
    );
    await waitFor(() => codes.includes(CloseCode.AccessChanged), 2_000, 'AccessChanged on B');
    expect(Date.now() - started).toBeLessThan(2_000);
    // The reconnect is refused: B checks the membership again.
    await waitFor(() => codes.includes(CloseCode.Forbidden), 5_000, 'Forbidden on reconnect');
    expect(onA.provider.wsconnected).toBe(true);
  });

  it('[FANOUT10] a board rebased through node A: node B resets its clients first, and the fresh board holds what they wrote', async () => {
    const { runtime, nodeB, target, users } = await startPair('fanout10', ['owner']);
    const doc = 'fanout10.board';
    const onB = connect(nodeB.wsUrl, doc, users.owner!.token);
    await whenSynced(onB);
    const codes: number[] = [];
    onB.provider.on('connection-close', (event) => {
      if (event) codes.push(event.code);
    });
    await waitFor(() => runtime.fanout!.figures.peers > 0, 10_000, 'node B heard on node A');
    onB.doc.getMap('labels').set('written-on-b', 'kept');
    await expect
      .poll(async () => (await readStored(target, doc)).getMap('labels').has('written-on-b'), {
        timeout: 5_000
      })
      .toBe(true);

    const result = await rebaseBoard(runtime.docStore, 'fanout10');
    expect(codes).toContain(CloseCode.DocumentReset);
    const stored = await readStored(target, doc);
    expect(generationOf(stored)).toBe(result.generation);
    expect(stored.getMap('labels').get('written-on-b')).toBe('kept');
    // A fresh client on B gets the fresh generation, with B's write in it.
    const fresh = connect(nodeB.wsUrl, doc, users.owner!.token);
    await whenSynced(fresh);
    expect(generationOf(fresh.doc)).toBe(result.generation);
    expect(fresh.doc.getMap('labels').get('written-on-b')).toBe('kept');
  });
});
