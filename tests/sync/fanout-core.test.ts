/**
 * The fan-out's core (sync-server/fanout/fanout.ts) with two DocStores on one storage and an
 * in-memory bus whose outages the test controls: [FANOUT5]–[FANOUT7] in tests/sync/SPEC.md.
 * The real Redis transport and real nodes are in fanout.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { DocStore } from '../../sync-server/doc-store';
import { Fanout } from '../../sync-server/fanout/fanout';
import type { FanoutTransport } from '../../sync-server/fanout/transport';
import { MemoryStorage } from '../../sync-server/storage/memory-storage';
import type { DocumentStorage } from '../../sync-server/storage/types';
import { createLogger } from '../../src/lib/server/log';
import { waitFor } from '../helpers/clients';

const logger = createLogger('error');

/** Pub/sub between transports of one process; delivery on a later turn, like a network. */
class MemoryBus {
  readonly subscribers = new Map<string, Set<MemoryTransport>>();
}

class MemoryTransport implements FanoutTransport {
  up = true;
  /** Publishes are dropped silently (a node that died without a word). */
  silent = false;
  private handler: (channel: string, message: Buffer) => void = () => {};
  private status: (up: boolean) => void = () => {};
  constructor(private readonly bus: MemoryBus) {}
  async subscribe(channel: string): Promise<void> {
    let set = this.bus.subscribers.get(channel);
    if (!set) this.bus.subscribers.set(channel, (set = new Set()));
    set.add(this);
    if (!this.up) throw new Error('down');
  }
  async unsubscribe(channel: string): Promise<void> {
    this.bus.subscribers.get(channel)?.delete(this);
  }
  async publish(channel: string, message: Uint8Array): Promise<void> {
    if (!this.up) throw new Error('down');
    if (this.silent) return;
    for (const target of this.bus.subscribers.get(channel) ?? []) {
      if (target === this) continue;
      setImmediate(() => {
        if (target.up) target.handler(channel, Buffer.from(message));
      });
    }
  }
  onMessage(handler: (channel: string, message: Buffer) => void): void {
    this.handler = handler;
  }
  onStatus(handler: (up: boolean) => void): void {
    this.status = handler;
  }
  setUp(up: boolean): void {
    this.up = up;
    this.status(up);
  }
  async close(): Promise<void> {
    this.up = false;
  }
}

const stores: DocStore[] = [];
const fanouts: Fanout[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const fanout of fanouts.splice(0)) await fanout.close();
});

function node(bus: MemoryBus, storage: DocumentStorage, nodeId: string) {
  const transport = new MemoryTransport(bus);
  const fanout = new Fanout({
    transport,
    prefix: 'test',
    nodeId,
    logger,
    heartbeatMs: 50,
    resyncDelayMs: 50
  });
  const docStore = new DocStore({ storage, logger, fanout, limits: { unloadDelayMs: 60_000 } });
  stores.push(docStore);
  fanouts.push(fanout);
  return { transport, fanout, docStore };
}

const DOC = 'ws.board';
const items = (doc: Y.Doc) => doc.getArray<string>('array').toArray();

describe('fan-out core', () => {
  it('[FANOUT5] a node loading a document subscribes first: an update stored while it reads is applied from the buffer, and never stored twice', async () => {
    const bus = new MemoryBus();
    const storage = new MemoryStorage();
    const a = node(bus, storage, 'a');
    await a.docStore.transact(DOC, (doc) => doc.getArray('array').push(['first']));
    // B's read sees the store as it was when the read began, and ends only after A's next write.
    let releaseRead!: () => void;
    const readHeld = new Promise<void>((resolve) => (releaseRead = resolve));
    let readStarted = false;
    const slowStorage: DocumentStorage = {
      kind: storage.kind,
      load: async (name) => {
        const stored = await storage.load(name);
        readStarted = true;
        await readHeld;
        return stored;
      },
      append: (name, updates) => storage.append(name, updates),
      compact: (name, snapshot, throughSeq) => storage.compact(name, snapshot, throughSeq),
      ping: () => storage.ping(),
      close: async () => {}
    };
    const b = node(bus, slowStorage, 'b');
    const loading = b.docStore.acquire(DOC);
    await waitFor(() => readStarted, 2_000, 'B reading');
    await a.docStore.transact(DOC, (doc) => doc.getArray('array').push(['during load']));
    await new Promise((resolve) => setTimeout(resolve, 20)); // delivered to B's buffer
    releaseRead();
    const room = await loading;
    expect(items(room.doc)).toEqual(['first', 'during load']);
    b.docStore.release(room);
    // A change on B reaches A; the store holds each update once (peer updates are not stored).
    await b.docStore.transact(DOC, (doc) => doc.getArray('array').push(['from b']));
    const roomA = await a.docStore.acquire(DOC);
    await waitFor(() => items(roomA.doc).length === 3, 2_000, 'B on A');
    a.docStore.release(roomA);
    expect((await storage.load(DOC)).updates).toHaveLength(3);
  });

  it('[FANOUT6] after a bus outage both nodes converge by state vector, and nothing is stored twice', async () => {
    const bus = new MemoryBus();
    const storage = new MemoryStorage();
    const a = node(bus, storage, 'a');
    const b = node(bus, storage, 'b');
    const [roomA, roomB] = [await a.docStore.acquire(DOC), await b.docStore.acquire(DOC)];
    a.transport.setUp(false);
    b.transport.setUp(false);
    await a.docStore.transact(DOC, (doc) => doc.getArray('array').push(['a while down']));
    await b.docStore.transact(DOC, (doc) => doc.getArray('array').push(['b while down']));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(items(roomA.doc)).toEqual(['a while down']);
    expect(items(roomB.doc)).toEqual(['b while down']);
    // A comes back first, B later: the later one's resync covers the pair.
    a.transport.setUp(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    b.transport.setUp(true);
    await waitFor(
      () => items(roomA.doc).length === 2 && items(roomB.doc).length === 2,
      2_000,
      'convergence'
    );
    expect(items(roomA.doc)).toEqual(items(roomB.doc));
    expect(a.fanout.figures.resyncs + b.fanout.figures.resyncs).toBeGreaterThan(0);
    expect((await storage.load(DOC)).updates).toHaveLength(2);
    a.docStore.release(roomA);
    b.docStore.release(roomB);
  });

  it('[FANOUT7] presence crosses nodes, and a node that goes silent loses its clients’ presence elsewhere', async () => {
    const bus = new MemoryBus();
    const storage = new MemoryStorage();
    const a = node(bus, storage, 'a');
    const b = node(bus, storage, 'b');
    const [roomA, roomB] = [await a.docStore.acquire(DOC), await b.docStore.acquire(DOC)];
    // A client of A announces itself (as server.ts applies a connection's awareness message).
    const clientDoc = new Y.Doc();
    const client = new awarenessProtocol.Awareness(clientDoc);
    client.setLocalState({ user: 'ada' });
    awarenessProtocol.applyAwarenessUpdate(
      roomA.awareness,
      awarenessProtocol.encodeAwarenessUpdate(client, [clientDoc.clientID]),
      'a connection'
    );
    await waitFor(() => roomB.awareness.getStates().has(clientDoc.clientID), 1_000, 'on B');
    // A dies without a word: no goodbye, no heartbeat. B drops the state after 3 heartbeats.
    a.transport.silent = true;
    await waitFor(() => !roomB.awareness.getStates().has(clientDoc.clientID), 2_000, 'gone');
    expect(roomA.awareness.getStates().has(clientDoc.clientID)).toBe(true);
    client.destroy();
    clientDoc.destroy();
    a.docStore.release(roomA);
    b.docStore.release(roomB);
  });
});
