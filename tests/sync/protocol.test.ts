import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, MessageType, SyncMessageType } from '../../src/lib/shared/sync-protocol';
import type { DocumentStorage } from '../../sync-server/storage/types';
import { MemoryStorage } from '../../sync-server/storage/memory-storage';
import { connectClient, rawClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { durableBackends } from '../helpers/storage-backends';
import { loadStoredDoc } from '../helpers/store';
import { startSyncServer, type TestSyncServer } from '../helpers/sync-server';

const servers: TestSyncServer[] = [];
const clients: TestClient[] = [];

async function server(options: Parameters<typeof startSyncServer>[0] = {}) {
  const s = await startSyncServer({ limits: { unloadDelayMs: 0 }, ...options });
  servers.push(s);
  return s;
}
function client(s: TestSyncServer, name: string, opts: Parameters<typeof connectClient>[2] = {}) {
  const c = connectClient(s.wsUrl, name, opts);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.stop();
});

function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Sync);
  encoding.writeVarUint(e, SyncMessageType.Update);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

describe('y-websocket protocol', () => {
  it('[PROTO1] a stock WebsocketProvider receives the existing state', async () => {
    const s = await server();
    const a = client(s, 'p1.board');
    await whenSynced(a);
    a.doc.getText('text').insert(0, 'hello');
    await waitFor(() => s.runtime.docStore.isLoaded('p1.board'));
    const b = client(s, 'p1.board');
    await whenSynced(b);
    await waitFor(() => b.doc.getText('text').toString() === 'hello', 2_000, 'state');
  });

  it('[PROTO2] updates reach every other client', async () => {
    const s = await server();
    const cs = [0, 1, 2, 3].map(() => client(s, 'p2.board'));
    await Promise.all(cs.map((c) => whenSynced(c)));
    cs.forEach((c, i) => c.doc.getMap('map').set(`k${i}`, i));
    for (const c of cs) await waitFor(() => c.doc.getMap('map').size === 4, 3_000, 'map');
  });

  it('[PROTO3] awareness propagates and is removed on disconnect', async () => {
    const s = await server();
    const a = client(s, 'p3.board');
    const b = client(s, 'p3.board');
    await Promise.all([whenSynced(a), whenSynced(b)]);
    a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    const aId = a.doc.clientID;
    await waitFor(() => b.provider.awareness.getStates().has(aId), 3_000, 'awareness');
    expect(b.provider.awareness.getStates().get(aId)).toEqual({ user: { name: 'Ada' } });
    a.provider.disconnect();
    await waitFor(() => !b.provider.awareness.getStates().has(aId), 3_000, 'removal');
  });

  it('[PROTO4] query-awareness is answered with every state; [PROTO5] awareness is echoed', async () => {
    const s = await server();
    const a = client(s, 'p4.board');
    await whenSynced(a);
    a.provider.awareness.setLocalStateField('user', { name: 'Grace' });
    const raw = rawClient(s.wsUrl, 'p4.board');
    await raw.opened;
    await waitFor(() => s.runtime.docStore.isLoaded('p4.board'));
    // Wait until the server knows a's state, then ask.
    await new Promise((r) => setTimeout(r, 100));
    raw.messages.length = 0;
    raw.ws.send(Uint8Array.of(MessageType.QueryAwareness));
    await waitFor(
      () =>
        raw.messages.some(
          (m) => m[0] === MessageType.Awareness && m.includes(Buffer.from('Grace'))
        ),
      3_000,
      'awareness reply'
    );
    // The echo: the sender itself receives its awareness update back.
    let echoed = false;
    a.provider.ws!.addEventListener('message', (event: MessageEvent) => {
      const data = new Uint8Array(event.data as ArrayBuffer);
      if (data[0] === MessageType.Awareness) echoed = true;
    });
    a.provider.awareness.setLocalStateField('user', { name: 'Grace H.' });
    await waitFor(() => echoed, 3_000, 'echo');
    raw.ws.close();
  });

  it('[NAME2] refused names close with BadDocumentName before storage is touched', async () => {
    const loads: string[] = [];
    const storage = new MemoryStorage();
    const spy: DocumentStorage = Object.assign(Object.create(storage) as MemoryStorage, {
      load: (name: string) => {
        loads.push(name);
        return storage.load(name);
      }
    });
    const s = await server({ storage: 'memory' });
    // Swap in the spying storage behind the DocStore.
    (s.runtime.docStore as unknown as { storage: DocumentStorage }).storage = spy;
    for (const bad of [
      '..%2F..%2Fetc.board',
      'a.nope',
      'a.runbook',
      'x'.repeat(300),
      'a.board.b',
      '%00.board'
    ]) {
      const raw = rawClient(s.wsUrl, bad);
      expect(await raw.closed).toBe(CloseCode.BadDocumentName);
    }
    expect(loads).toEqual([]);
    expect(s.runtime.docStore.loadedCount).toBe(0);
  });
});

/** Makes every storage load of `s` take 50 ms and counts them; returns the count's reader. */
function countSlowLoads(s: TestSyncServer): () => number {
  const storage = s.runtime.storage;
  let loads = 0;
  const original = storage.load.bind(storage);
  storage.load = async (name) => {
    loads++;
    await new Promise((r) => setTimeout(r, 50));
    return original(name);
  };
  return () => loads;
}

describe('rooms and the DocStore', () => {
  it('[ROOM1] concurrent joins load the document once', async () => {
    const s = await server();
    const loads = countSlowLoads(s);
    const cs = Array.from({ length: 12 }, () => client(s, 'r1.board'));
    await Promise.all(cs.map((c) => whenSynced(c)));
    expect(loads()).toBe(1);
  });

  it('[ROOM2] a server transaction reaches clients and is durable when it resolves', async () => {
    const s = await server();
    const a = client(s, 'r2.board');
    await whenSynced(a);
    const started = Date.now();
    await s.runtime.docStore.transact('r2.board', (doc) => doc.getMap('map').set('from', 'server'));
    const check = await loadStoredDoc(s.runtime.storage, 'r2.board');
    expect(check.getMap('map').get('from')).toBe('server');
    await waitFor(() => a.doc.getMap('map').get('from') === 'server', 1_000, 'server change');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('[ROOM3] a room unloads after the last client leaves and everything is saved', async () => {
    const s = await server();
    const a = client(s, 'r3.board');
    await whenSynced(a);
    a.doc.getText('text').insert(0, 'bye');
    await waitFor(() => s.runtime.docStore.isLoaded('r3.board'));
    a.provider.disconnect();
    await waitFor(() => !s.runtime.docStore.isLoaded('r3.board'), 3_000, 'unload');
    const again = client(s, 'r3.board');
    await whenSynced(again);
    await waitFor(() => again.doc.getText('text').toString() === 'bye', 2_000, 'reload');
  });

  it('[ROOM4] warm loads a document once for the client that follows, and unloads it when none comes', async () => {
    const s = await server({ limits: { unloadDelayMs: 300 } });
    const loads = countSlowLoads(s);
    s.runtime.docStore.warm('r4.board');
    s.runtime.docStore.warm('r4.board');
    const a = client(s, 'r4.board');
    await whenSynced(a);
    expect(loads()).toBe(1);
    a.destroy();

    s.runtime.docStore.warm('r5.board');
    await waitFor(() => s.runtime.docStore.isLoaded('r5.board'), 2_000, 'warmed');
    await waitFor(() => !s.runtime.docStore.isLoaded('r5.board'), 3_000, 'unloaded unused');
    expect(loads()).toBe(2);
    // A name the store refuses is not loaded, and nothing is thrown at the caller.
    expect(() => s.runtime.docStore.warm('not a document')).not.toThrow();
  });
});

// The persistence rules hold on every durable backend: SQLite and PostgreSQL.
for (const makeBackend of durableBackends) {
  const backend = makeBackend();
  describe.skipIf(Boolean(backend.skip))(`persistence rules: ${backend.name}`, () => {
    beforeAll(async () => {
      await backend.setup?.();
    });
    afterAll(async () => {
      await backend.teardown?.();
    });
    /** A server storing documents in this backend. */
    const durableServer = async (options: Parameters<typeof startSyncServer>[0] = {}) =>
      server({ ...options, storage: await backend.open() });

    it('[PERSIST1] every update a client receives is already in the store', async () => {
      const s = await durableServer();
      const writer = client(s, 'd1.board');
      const reader = client(s, 'd1.board');
      await Promise.all([whenSynced(writer), whenSynced(reader)]);
      const violations: string[] = [];
      const storage = s.runtime.storage;
      reader.doc.on('update', () => {
        // Everything the reader holds must be reconstructible from the store right now.
        void loadStoredDoc(storage, 'd1.board').then((check) => {
          const have = reader.doc.getArray('array').length;
          if (check.getArray('array').length < have)
            violations.push(`${check.getArray('array').length} < ${have}`);
        });
      });
      for (let i = 0; i < 200; i++) writer.doc.getArray('array').push([i]);
      await waitFor(() => reader.doc.getArray('array').length === 200, 5_000, 'reader');
      await new Promise((r) => setTimeout(r, 50));
      expect(violations).toEqual([]);
    });

    it('[PERSIST2] the sync step 2 reply waits until everything it contains is durable', async () => {
      const s = await durableServer();
      const storage = s.runtime.storage;
      const writer = client(s, 'd2.board');
      await whenSynced(writer);
      // From here on, appends wait at a gate the test opens.
      const append = storage.append.bind(storage);
      let openGate: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      let appendsWaiting = 0;
      storage.append = async (name, updates) => {
        appendsWaiting++;
        await gate;
        return append(name, updates);
      };
      writer.doc.getText('text').insert(0, 'not yet on disk');
      await waitFor(() => appendsWaiting > 0, 2_000, 'append started');
      // The room holds the edit in memory, but a newcomer's handshake must not hand it out yet.
      const late = client(s, 'd2.board');
      await new Promise((r) => setTimeout(r, 300));
      expect(late.provider.synced).toBe(false);
      expect(late.doc.getText('text').toString()).toBe('');
      openGate();
      await whenSynced(late);
      expect(late.doc.getText('text').toString()).toBe('not yet on disk');
      const check = await loadStoredDoc(storage, 'd2.board');
      expect(check.getText('text').toString()).toBe('not yet on disk');
    });

    it('[PERSIST5] a failing store keeps updates, retries, and broadcasts once saved', async () => {
      const s = await durableServer({
        limits: { unloadDelayMs: 0, saveRetryBaseMs: 20, saveRetryMaxMs: 50 }
      });
      const storage = s.runtime.storage;
      const append = storage.append.bind(storage);
      let failing = true;
      let failures = 0;
      storage.append = async (name, updates) => {
        if (failing) {
          failures++;
          throw new Error('disk on fire');
        }
        return append(name, updates);
      };
      const writer = client(s, 'd5.board');
      const reader = client(s, 'd5.board');
      // Sync step 2 waits for durability too, so start healthy, then break the store.
      failing = false;
      await Promise.all([whenSynced(writer), whenSynced(reader)]);
      failing = true;
      writer.doc.getText('text').insert(0, 'precious');
      await waitFor(() => failures >= 3, 3_000, 'retries');
      // Not broadcast while not durable.
      expect(reader.doc.getText('text').toString()).toBe('');
      writer.provider.disconnect();
      reader.provider.disconnect();
      await new Promise((r) => setTimeout(r, 50));
      // Not unloaded while unsaved.
      expect(s.runtime.docStore.isLoaded('d5.board')).toBe(true);
      failing = false;
      reader.provider.connect();
      await waitFor(() => reader.doc.getText('text').toString() === 'precious', 3_000, 'recovery');
      const check = await loadStoredDoc(storage, 'd5.board');
      expect(check.getText('text').toString()).toBe('precious');
    });
  });
}

describe('limits', () => {
  it('[LIMIT2] a frame over maxMessageBytes closes with 1009; others carry on', async () => {
    const s = await server({ limits: { unloadDelayMs: 0, maxMessageBytes: 64 * 1024 } });
    const ok = client(s, 'l2.board');
    await whenSynced(ok);
    const raw = rawClient(s.wsUrl, 'l2.board');
    await raw.opened;
    raw.ws.send(new Uint8Array(65 * 1024));
    expect(await raw.closed).toBe(CloseCode.MessageTooBig);
    ok.doc.getText('text').insert(0, 'still here');
    const other = client(s, 'l2.board');
    await whenSynced(other);
    await waitFor(() => other.doc.getText('text').toString() === 'still here', 2_000, 'others');
  });

  it('[LIMIT3] an update past maxDocumentBytes closes with DocumentTooLarge and is not applied', async () => {
    const s = await server({ limits: { unloadDelayMs: 0, maxDocumentBytes: 10_000 } });
    const raw = rawClient(s.wsUrl, 'l3.board');
    await raw.opened;
    const doc = new Y.Doc();
    doc.getText('text').insert(0, 'x'.repeat(20_000));
    raw.ws.send(syncUpdateFrame(Y.encodeStateAsUpdate(doc)));
    expect(await raw.closed).toBe(CloseCode.DocumentTooLarge);
    const stored = await s.runtime.storage.load('l3.board');
    const check = new Y.Doc();
    stored.updates.forEach((u) => Y.applyUpdate(check, u));
    expect(check.getText('text').length).toBe(0);
  });

  it('[LIMIT4] connections past the limit close with TooManyConnections', async () => {
    const s = await server({ limits: { unloadDelayMs: 0, maxConnections: 3 } });
    const raws = [0, 1, 2].map(() => rawClient(s.wsUrl, 'l4.board'));
    await Promise.all(raws.map((r) => r.opened));
    const fourth = rawClient(s.wsUrl, 'l4.board');
    expect(await fourth.closed).toBe(CloseCode.TooManyConnections);
    raws.forEach((r) => r.ws.close());
  });

  it('[LIMIT5] a silent connection closes with IdleTimeout', async () => {
    const s = await server({
      limits: { unloadDelayMs: 0, idleTimeoutMs: 150, pingIntervalMs: 50 }
    });
    const raw = rawClient(s.wsUrl, 'l5.board');
    await raw.opened;
    // The ws client answers pings automatically; stop it from doing so to look dead.
    raw.ws.pong = () => {};
    (
      raw.ws as unknown as { _receiver: { removeAllListeners(e: string): void } }
    )._receiver.removeAllListeners('ping');
    expect(await raw.closed).toBe(CloseCode.IdleTimeout);
  });

  it('[LIMIT6] a read-only connection gets the document but its updates are never applied', async () => {
    const s = await server();
    await s.runtime.docStore.transact('ro.ledger', (doc) => doc.getMap('map').set('fact', 1));
    const viewer = client(s, 'ro.ledger');
    await whenSynced(viewer);
    await waitFor(() => viewer.doc.getMap('map').get('fact') === 1, 2_000, 'ledger state');
    viewer.doc.getMap('map').set('forged', true);
    await new Promise((r) => setTimeout(r, 200));
    const value = await s.runtime.docStore.read('ro.ledger', (doc) => doc.getMap('map').toJSON());
    expect(value).toEqual({ fact: 1 });
    expect(viewer.provider.wsconnected).toBe(true);
  });
});
