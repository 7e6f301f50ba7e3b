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
import {
  MemoryGenerationStore,
  generationOf,
  type GenerationStore
} from '../../sync-server/generations';
import type { RoomConnection } from '../../sync-server/room';
import { CloseCode } from '../../src/lib/shared/sync-protocol';
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

function node(
  bus: MemoryBus,
  storage: DocumentStorage,
  nodeId: string,
  generations?: GenerationStore
) {
  const transport = new MemoryTransport(bus);
  const fanout = new Fanout({
    transport,
    prefix: 'test',
    nodeId,
    logger,
    heartbeatMs: 50,
    resyncDelayMs: 50,
    rebaseAskMs: 2_000
  });
  const docStore = new DocStore({
    storage,
    logger,
    fanout,
    generations,
    limits: { unloadDelayMs: 60_000 }
  });
  stores.push(docStore);
  fanouts.push(fanout);
  return { transport, fanout, docStore };
}

const DOC = 'ws.board';
const items = (doc: Y.Doc) => doc.getArray<string>('array').toArray();

/** The `build` of the rebases here: the fresh document gets the array's entries. */
const copyArray = (source: Y.Doc, target: Y.Doc) =>
  target.getArray('array').push(source.getArray('array').toArray());

/** Two nodes on one bus, storage and generation store, started and hearing each other. */
async function rebasingPair() {
  const bus = new MemoryBus();
  const storage = new MemoryStorage();
  const generations = new MemoryGenerationStore();
  const a = node(bus, storage, 'a', generations);
  const b = node(bus, storage, 'b', generations);
  await Promise.all([a.fanout.start(0), b.fanout.start(0)]);
  await waitFor(
    () => a.fanout.figures.peers === 1 && b.fanout.figures.peers === 1,
    1_000,
    'both hear each other'
  );
  return { bus, storage, generations, a, b };
}

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

  it("[FANOUT8] a rebase on one node: the others drop the document first, the fresh one holds every node's updates, and a late update of the old generation is skipped", async () => {
    const { bus, storage, generations, a, b } = await rebasingPair();
    const roomB = await b.docStore.acquire(DOC);
    const closed: number[] = [];
    const onB: RoomConnection = {
      awarenessIds: new Set(),
      send: () => {},
      sendAll: () => {},
      close: (code) => closed.push(code)
    };
    roomB.addConnection(onB);
    b.docStore.release(roomB);
    await a.docStore.transact(DOC, (doc) => doc.getArray('array').push(['from a']));
    await b.docStore.transact(DOC, (doc) => doc.getArray('array').push(['from b']));
    // Stored by a node whose message never reached A's room: only the store has it.
    const lost = new Y.Doc();
    lost.getArray('array').push(['only in the store']);
    await storage.append(DOC, [Y.encodeStateAsUpdate(lost)]);

    const result = await a.docStore.rebase(DOC, copyArray);
    expect(closed).toEqual([CloseCode.DocumentReset]);
    expect(b.docStore.isLoaded(DOC)).toBe(false);
    const expected = ['from a', 'from b', 'only in the store'];
    for (const n of [a, b]) {
      const room = await n.docStore.acquire(DOC);
      expect([...items(room.doc)].sort()).toEqual(expected);
      expect(generationOf(room.doc)).toBe(result.generation);
      n.docStore.release(room);
    }
    // A node that missed the rebase appends an update of the old generation: never loaded.
    lost.getArray('array').push(['late, old generation']);
    await storage.append(DOC, [Y.encodeStateAsUpdate(lost)]);
    const c = node(bus, storage, 'c', generations);
    const roomC = await c.docStore.acquire(DOC);
    expect([...items(roomC.doc)].sort()).toEqual(expected);
    c.docStore.release(roomC);
    lost.destroy();
  });

  it('[FANOUT9] two nodes rebasing one document at once run one after the other', async () => {
    const { storage, generations, a, b } = await rebasingPair();
    await a.docStore.transact(DOC, (doc) => doc.getArray('array').push(['one', 'two']));
    const roomB = await b.docStore.acquire(DOC);
    b.docStore.release(roomB);
    const [first, second] = await Promise.all([
      a.docStore.rebase(DOC, copyArray),
      b.docStore.rebase(DOC, copyArray)
    ]);
    expect(first.generation).not.toBe(second.generation);
    const records = await generations.list(DOC);
    expect(records).toHaveLength(2);
    const stored = new Y.Doc();
    const { snapshot, updates } = await storage.load(DOC);
    Y.applyUpdate(stored, snapshot!);
    for (const update of updates) Y.applyUpdate(stored, update);
    // The later one rebased the earlier one's fresh generation: the content once, not twice.
    expect(items(stored)).toEqual(['one', 'two']);
    expect([first.generation, second.generation]).toContain(generationOf(stored));
    expect(records[1]!.generation).toBe(generationOf(stored));
    // …and retired the earlier one's fresh clients too, so a copy of that one is refused.
    const retiredFirst = Y.decodeStateVector(records[0]!.stateVector);
    const retiredSecond = [...Y.decodeStateVector(records[1]!.stateVector).keys()];
    expect(retiredSecond.filter((client) => !retiredFirst.has(client))).not.toEqual([]);
    for (const n of [a, b]) {
      const room = await n.docStore.acquire(DOC);
      expect(generationOf(room.doc)).toBe(generationOf(stored));
      expect(items(room.doc)).toEqual(['one', 'two']);
      n.docStore.release(room);
    }
    stored.destroy();
  });

  it('[FANOUT11] a rebase with the bus down is refused, and nothing changes', async () => {
    const bus = new MemoryBus();
    const storage = new MemoryStorage();
    const generations = new MemoryGenerationStore();
    const a = node(bus, storage, 'a', generations);
    await a.fanout.start(0);
    await a.docStore.transact(DOC, (doc) => doc.getArray('array').push(['kept']));
    a.transport.setUp(false);
    await expect(a.docStore.rebase(DOC, copyArray)).rejects.toMatchObject({
      code: 'nodes_unreachable'
    });
    expect(await generations.list(DOC)).toEqual([]);
    const room = await a.docStore.acquire(DOC);
    expect(generationOf(room.doc)).toBeNull();
    expect(items(room.doc)).toEqual(['kept']);
    a.docStore.release(room);
  });
});
