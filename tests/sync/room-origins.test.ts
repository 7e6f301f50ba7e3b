/**
 * [ROOM5] A room stores and fans out each update by where it came from: a client's update is
 * stored, then sent to every other connection and never echoed; a server transaction is stored,
 * then sent to every connection; a peer node's update is sent to every connection at once and
 * not stored again. Real SQLite storage; the connections are the room's own interface.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeMessage } from '../../sync-server/messages';
import { DocStore } from '../../sync-server/doc-store';
import type { Room, RoomConnection } from '../../sync-server/room';
import { clientOrigin, peerOrigin } from '../../sync-server/update-origin';
import { openDatabase } from '../../src/lib/server/db/records';
import { createLogger } from '../../src/lib/server/log';
import { loadStoredDoc } from '../helpers/store';
import { tempDataDir } from '../helpers/sync-server';

/** A connection that records what it was sent and how many updates were durable by then. */
class RecordingConnection implements RoomConnection {
  readonly awarenessIds = new Set<number>();
  readonly received: { text: string; storedWhenSent: number }[] = [];
  constructor(private readonly stored: () => number) {}
  send(message: Uint8Array): void {
    const decoded = decodeMessage(message);
    if (decoded.type !== 'sync-update') return;
    const doc = new Y.Doc();
    Y.applyUpdate(doc, decoded.update);
    this.received.push({ text: doc.getText('text').toString(), storedWhenSent: this.stored() });
  }
  sendAll(messages: readonly Uint8Array[]): void {
    for (const message of messages) this.send(message);
  }
}

/** An update inserting `text` at the start of `text`, made on a private document. */
function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('text').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp() {
  const { documents: storage } = await openDatabase(
    { dataDir: tempDataDir('runboard-origins-') },
    { logger: createLogger('error') }
  );
  let storedUpdates = 0;
  const append = storage.append.bind(storage);
  storage.append = async (name, updates) => {
    const lastSeq = await append(name, updates);
    storedUpdates += updates.length;
    return lastSeq;
  };
  const docStore = new DocStore({ storage, logger: createLogger('warn') });
  const room: Room = await docStore.acquire('origins.board');
  const alice = new RecordingConnection(() => storedUpdates);
  const bob = new RecordingConnection(() => storedUpdates);
  room.addConnection(alice);
  room.addConnection(bob);
  cleanups.push(async () => {
    room.removeConnection(alice);
    room.removeConnection(bob);
    docStore.release(room);
    await docStore.close();
    await storage.close();
  });
  return { storage, docStore, room, alice, bob, stored: () => storedUpdates };
}

describe('room update origins', () => {
  it('[ROOM5] a client update is stored, then sent to the others, never echoed', async () => {
    const { storage, room, alice, bob } = await setUp();
    room.applyUpdate(textUpdate('from alice'), clientOrigin(alice));
    // Nothing is broadcast before the append (PERSIST1).
    expect(bob.received).toEqual([]);
    await room.whenSaved();
    expect(bob.received).toEqual([{ text: 'from alice', storedWhenSent: 1 }]);
    expect(alice.received).toEqual([]);
    const stored = await loadStoredDoc(storage, 'origins.board');
    expect(stored.getText('text').toString()).toBe('from alice');
  });

  it('[ROOM5] a server transaction is stored, then sent to every connection', async () => {
    const { storage, docStore, alice, bob } = await setUp();
    await docStore.transact('origins.board', (doc) => doc.getText('text').insert(0, 'server'));
    for (const conn of [alice, bob]) {
      expect(conn.received).toEqual([{ text: 'server', storedWhenSent: 1 }]);
    }
    const stored = await loadStoredDoc(storage, 'origins.board');
    expect(stored.getText('text').toString()).toBe('server');
  });

  it('[ROOM5] a peer node update is sent to every connection at once and not stored', async () => {
    const { storage, room, alice, bob, stored } = await setUp();
    room.applyUpdate(textUpdate('from node b'), peerOrigin('node-b'));
    // Already durable on its own node: no wait for a local append.
    for (const conn of [alice, bob]) {
      expect(conn.received).toEqual([{ text: 'from node b', storedWhenSent: 0 }]);
    }
    expect(room.saved).toBe(true);
    await room.whenSaved();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stored()).toBe(0);
    const reloaded = await loadStoredDoc(storage, 'origins.board');
    expect(reloaded.getText('text').toString()).toBe('');
    expect(room.doc.getText('text').toString()).toBe('from node b');
  });
});

describe('answers to a sync step 1', () => {
  it('[ROOM6] hold only what was durable when they are sent, however much arrived meanwhile', async () => {
    const { storage, room, alice } = await setUp();
    // Every append waits for its own release, so the test decides what is stored when.
    const releases: (() => void)[] = [];
    const append = storage.append.bind(storage);
    storage.append = async (name, updates) => {
      await new Promise<void>((resolve) => releases.push(resolve));
      return append(name, updates);
    };
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    const storedText = async () =>
      (await loadStoredDoc(storage, 'origins.board')).getText('text').toString();

    room.applyUpdate(textUpdate('a'), clientOrigin(alice));
    await turn(); // 'a' is being written
    room.applyUpdate(textUpdate('b'), clientOrigin(alice)); // queued behind it
    let sentAt: { text: string; stored: string } | undefined;
    const answer = room.durableDiff(Y.encodeStateVector(new Y.Doc())).then(async (diff) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, diff);
      sentAt = { text: doc.getText('text').toString(), stored: await storedText() };
    });
    releases.shift()!();
    await waitUntil(() => releases.length === 1); // 'b' is being written
    room.applyUpdate(textUpdate('c'), clientOrigin(alice)); // queued: not stored when 'b' is
    releases.shift()!();
    await answer;
    // The answer was due once 'b' was stored; 'c' was in the document by then, not in the store.
    expect(sentAt).toBeDefined();
    expect([...sentAt!.text].sort()).toEqual(['a', 'b']);
    expect([...sentAt!.stored].sort()).toEqual(['a', 'b']);
    await waitUntil(() => releases.length === 1);
    releases.shift()!();
    await room.whenSaved();
    expect([...(await storedText())].sort()).toEqual(['a', 'b', 'c']);
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !check(); i++) await new Promise((r) => setImmediate(r));
  expect(check()).toBe(true);
}
