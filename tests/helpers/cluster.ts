/**
 * Several sync nodes on one fresh PostgreSQL database and Redis, for the multi-node suites
 * (tests/sync/fanout, sigterm-fanout): a workspace seeded first, then the nodes started one
 * after another (the first migrates the database), each a real sync entry in a child process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Y from 'yjs';
import { createRuntime } from '../../entries/composition-root';
import type { Runtime } from '../../src/lib/server/runtime';
import { openDatabase, type DatabaseTarget } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import { seedWorkspace } from './accounts';
import { TEST_SECRET_KEY, databaseTargetFor } from './database';
import { SHARED_REDIS_URL, uniqueRedisPrefix } from './redis';
import { startSyncProcess, type ServerProcess } from './server-process';
import { loadStoredDoc } from './store';
import { tempDataDir } from './sync-server';

export interface Cluster {
  dataDir: string;
  target: DatabaseTarget & { databaseUrl: string };
  /** The workspace owner's API token. */
  token: string;
  nodes: ServerProcess[];
}

/**
 * `count` nodes of workspace `workspaceId` on a fresh database and `redisUrl` (a channel prefix
 * of their own); `started` gets each node as soon as it runs, so the caller can stop it even if
 * a later one fails to start. `env` is added to every node's environment.
 */
export async function startCluster(
  workspaceId: string,
  count: number,
  redisUrl: string,
  started: (node: ServerProcess) => void,
  env: Record<string, string> = {}
): Promise<Cluster> {
  const dataDir = tempDataDir(`runboard-cluster-${workspaceId}-`);
  const target = (await databaseTargetFor(dataDir, 'postgres')) as Cluster['target'];
  const { owner } = await seedWorkspace(dataDir, workspaceId, ['owner'], target);
  const nodeEnv = {
    DATABASE_URL: target.databaseUrl,
    RUNBOARD_SECRET_KEY: TEST_SECRET_KEY,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: uniqueRedisPrefix(),
    ...env
  };
  const nodes: ServerProcess[] = [];
  for (let i = 0; i < count; i++) {
    const node = await startSyncProcess(dataDir, { env: nodeEnv });
    started(node);
    nodes.push(node);
  }
  return { dataDir, target, token: owner!.token, nodes };
}

/** Document `name` as stored in `target`, read through a connection of its own. */
export async function readStoredOn(target: DatabaseTarget, name: string): Promise<Y.Doc> {
  const { records, documents } = await openDatabase(target, {
    logger: createLogger('error'),
    poolSize: 1
  });
  try {
    return await loadStoredDoc(documents, name);
  } finally {
    await records.close();
  }
}

/** A node whose runtime is in this process: the app's services can be called on it. */
export interface RuntimeNode {
  runtime: Runtime;
  /** Its websocket endpoint, `ws://127.0.0.1:<port>/sync`. */
  wsUrl: string;
  /** Closes its sockets and the runtime. */
  close(): Promise<void>;
}

/**
 * A full runtime in this process, on `target` and the shared Redis under `prefix`, serving
 * `/sync` on a port of its own (0: any free one). `options` go to `createRuntime` (the logger is
 * set to errors only unless given).
 */
export async function startRuntimeNode(
  dataDir: string,
  target: DatabaseTarget & { databaseUrl: string },
  prefix: string,
  options: Partial<Parameters<typeof createRuntime>[1]> = {}
): Promise<RuntimeNode> {
  const runtime = await createRuntime(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'error',
      origin: undefined,
      databaseUrl: target.databaseUrl,
      secretKey: Buffer.from(TEST_SECRET_KEY, 'base64'),
      redis: { url: SHARED_REDIS_URL, prefix }
    },
    { logger: createLogger('error'), ...options }
  );
  const server = createServer((_, res) => res.writeHead(404).end());
  runtime.syncServer.attach(server, { exclusive: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    runtime,
    wsUrl: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/sync`,
    close: async () => {
      server.close();
      server.closeAllConnections();
      await runtime.close();
    }
  };
}
