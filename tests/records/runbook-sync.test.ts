/**
 * The runbooks' sync extension in a real node on both databases: a runbook edited over the
 * websocket is indexed while it is open, and the snapshot taken when the node shuts down lands
 * before the database closes.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRuntime } from '../../entries/composition-root';
import { RunbookVersions } from '../../src/lib/server/runbooks/versions-store';
import { createLogger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { fillFragment, markdownToDoc } from '../../src/lib/shared/runbooks/markdown';
import { initRunbook } from '../../src/lib/shared/runbooks/runbook-model';
import { connectClient, whenSynced, type TestClient } from '../helpers/clients';
import { databaseTargetFor, openTestDatabase } from '../helpers/database';
import { recordsBackends } from '../helpers/records';
import { openAccess, tempDataDir } from '../helpers/sync-server';

const clients: TestClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

for (const backend of recordsBackends) {
  describe.skipIf(backend.skip)(`runbooks in a running node (${backend.name})`, () => {
    test('an edited runbook is indexed while open and snapshotted on shutdown', async () => {
      const dataDir = tempDataDir('runboard-rbsync-');
      const target = await databaseTargetFor(dataDir, backend.name);
      const runtime: Runtime = await createRuntime(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir,
          logLevel: 'error',
          origin: undefined,
          ...('databaseUrl' in target ? { databaseUrl: target.databaseUrl } : {})
        },
        { logger: createLogger('error'), onAuthenticate: openAccess }
      );
      const server: Server = createServer((_, res) => res.end());
      runtime.syncServer.attach(server, { exclusive: true });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const client = connectClient(`ws://127.0.0.1:${port}/sync`, 'ws.runbook.rb');
      clients.push(client);
      await whenSynced(client);
      initRunbook(client.doc, { id: 'rb', title: '主库切换 Failover' });
      fillFragment(client.doc, markdownToDoc('Promote the replica, then 更新哨兵配置.'));
      await eventually(
        async () => (await runtime.runbookIndex.search('ws', { q: '哨兵 replica' })).length === 1,
        'the index entry'
      );
      expect((await runtime.runbookIndex.get('ws', 'rb'))?.title).toBe('主库切换 Failover');
      expect(await runtime.runbookVersions.list('ws', 'rb')).toEqual([]);

      client.destroy();
      server.close();
      server.closeAllConnections();
      await runtime.close();
      const { records } = await openTestDatabase(dataDir, backend.name);
      try {
        const versions = await new RunbookVersions(records).list('ws', 'rb');
        expect(versions.map((v) => v.kind)).toEqual(['auto']);
      } finally {
        await records.close();
      }
    });
  });
}
