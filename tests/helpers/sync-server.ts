/**
 * A real sync server in the test process: the composition root on an HTTP server bound to
 * 127.0.0.1 port 0, with SQLite in a fresh temp DATA_DIR (or in-memory storage); in the
 * PostgreSQL run, on the DATA_DIR's database (tests/helpers/database.ts).
 */
import { mkdtempSync } from 'node:fs';
import { afterEach } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRuntime, type RuntimeOptions } from '../../entries/composition-root';
import type { Runtime } from '../../src/lib/server/runtime';
import { createLogger } from '../../src/lib/server/log';
import { connectClient, waitFor, whenSynced, type TestClient } from './clients';
import { databaseTargetFor } from './database';

export interface TestSyncServer {
  runtime: Runtime;
  port: number;
  /** `ws://127.0.0.1:<port>/sync` — the y-websocket provider's server URL. */
  wsUrl: string;
  dataDir: string;
  /** Graceful stop (saves everything). */
  stop(): Promise<void>;
}

/** Makes a fresh temporary data directory. */
export function tempDataDir(prefix = 'runboard-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Grants each connection the user named by its `user` query parameter. */
export const userFromQuery: NonNullable<RuntimeOptions['onAuthenticate']> = ({ request }) => {
  const user = new URL(request.url ?? '/', 'http://x').searchParams.get('user');
  return {
    principal: user
      ? { id: `user:${user}`, kind: 'session', userId: user }
      : { id: 'ip:anonymous', kind: 'anonymous' },
    readOnly: false
  };
};

/**
 * Admits every connection as writable, except `ledger` documents (read-only). Sync-core tests use
 * it so they exercise the protocol, not accounts; access control has its own tests.
 */
export const openAccess: NonNullable<RuntimeOptions['onAuthenticate']> = ({
  request,
  docName
}) => ({
  principal: { id: `ip:${request.socket.remoteAddress ?? '?'}`, kind: 'anonymous' },
  readOnly: docName.kind === 'ledger'
});

/**
 * Starts a sync server; pass `dataDir` to reopen an existing store, `port` to reuse a port, and
 * `accounts: true` to use the real account-based access check instead of `openAccess`.
 */
export async function startSyncServer(
  options: RuntimeOptions & { dataDir?: string; port?: number; accounts?: boolean } = {}
): Promise<TestSyncServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const { accounts, ...runtimeOptions } = options;
  // The run's backend: SQLite in dataDir, or a PostgreSQL database made for it.
  const target = await databaseTargetFor(dataDir);
  const runtime = await createRuntime(
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      logLevel: 'error',
      origin: undefined,
      ...('databaseUrl' in target ? { databaseUrl: target.databaseUrl } : {})
    },
    {
      logger: createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'error'),
      onAuthenticate: accounts ? undefined : openAccess,
      ...runtimeOptions
    }
  );
  const server: Server = createServer((_, res) => {
    res.writeHead(404);
    res.end();
  });
  runtime.syncServer.attach(server, { exclusive: true });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    runtime,
    port,
    wsUrl: `ws://127.0.0.1:${port}/sync`,
    dataDir,
    async stop() {
      server.close();
      server.closeAllConnections();
      await runtime.close();
    }
  };
}

/**
 * A test file's sync server and clients: after each test the clients are destroyed and the
 * server (when one runs) is stopped and forgotten. Set `server`, push to `clients`.
 */
export function useSyncServer(): { server: TestSyncServer | null; clients: TestClient[] } {
  const run = { server: null as TestSyncServer | null, clients: [] as TestClient[] };
  afterEach(async () => {
    for (const c of run.clients.splice(0)) c.destroy();
    await run.server?.stop();
    run.server = null;
  });
  return run;
}

/**
 * A stock y-websocket client of board `docName` as `user` (`userFromQuery`), synced and with
 * the board set up by the server (its columns); added to `clients` so `useSyncServer` ends it.
 */
export async function connectBoard(
  srv: TestSyncServer,
  clients: TestClient[],
  docName: string,
  user: string
): Promise<TestClient> {
  const client = connectClient(srv.wsUrl, docName, { params: { user } });
  clients.push(client);
  await whenSynced(client);
  await waitFor(() => client.doc.getMap('columns').size > 0, 3_000, 'columns');
  return client;
}
