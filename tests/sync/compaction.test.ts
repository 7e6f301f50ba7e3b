/**
 * [PERSIST4] Compaction into a snapshot never loses an update, including updates that arrive
 * while it runs (compaction is made slow here so writes really interleave with it).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { durableBackends } from '../helpers/storage-backends';
import { loadStoredDoc } from '../helpers/store';
import { startSyncServer, type TestSyncServer } from '../helpers/sync-server';

const servers: TestSyncServer[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.stop();
});

for (const makeBackend of durableBackends) {
  const backend = makeBackend();
  describe.skipIf(Boolean(backend.skip))(`compaction: ${backend.name}`, () => {
    beforeAll(async () => {
      await backend.setup?.();
    });
    afterAll(async () => {
      await backend.teardown?.();
    });

    it('[PERSIST4] compaction under concurrent writes loses nothing', async () => {
      const server = await startSyncServer({
        storage: await backend.open(),
        limits: { compactAfterUpdates: 25, unloadDelayMs: 0 }
      });
      servers.push(server);
      const storage = server.runtime.storage;
      const compact = storage.compact.bind(storage);
      let compactions = 0;
      let overlapping = 0;
      let inCompaction = false;
      storage.compact = async (name, snapshot, throughSeq) => {
        inCompaction = true;
        await new Promise((r) => setTimeout(r, 15));
        await compact(name, snapshot, throughSeq);
        inCompaction = false;
        compactions++;
      };
      const append = storage.append.bind(storage);
      storage.append = async (name, updates) => {
        if (inCompaction) overlapping++;
        return append(name, updates);
      };

      for (let i = 0; i < 4; i++) clients.push(connectClient(server.wsUrl, 'compact.board'));
      await Promise.all(clients.map((c) => whenSynced(c)));
      const PER_CLIENT = 400;
      await Promise.all(
        clients.map(async (client, i) => {
          for (let n = 0; n < PER_CLIENT; n++) {
            client.doc.getArray<string>('array').push([`c${i}:${n}`]);
            if (n % 3 === 0) await new Promise((r) => setTimeout(r, 1));
          }
        })
      );
      const total = clients.length * PER_CLIENT;
      for (const client of clients) {
        await waitFor(() => client.doc.getArray('array').length === total, 15_000, 'clients');
      }
      expect(compactions).toBeGreaterThan(3);
      expect(overlapping).toBeGreaterThan(0);
      for (const client of clients) client.provider.disconnect();
      await server.stop();
      servers.length = 0;

      // A fresh handle on the same store: what survives the server.
      const reader = await (backend.reopen ?? backend.open)();
      const stored = await loadStoredDoc(reader, 'compact.board').finally(() => reader.close());
      const entries = stored.getArray<string>('array').toArray();
      expect(entries).toHaveLength(total);
      expect(new Set(entries).size).toBe(total);
      expect(JSON.stringify(entries)).toBe(
        JSON.stringify(clients[0]!.doc.getArray('array').toJSON())
      );
    });
  });
}
