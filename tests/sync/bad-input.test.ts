/**
 * [LIMIT1] Hostile bytes: each offending socket closes with the expected code, the server and
 * every other connection carry on, and the store is unchanged.
 */
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode, MessageType, SyncMessageType } from '../../src/lib/shared/sync-protocol';
import { connectClient, rawClient, waitFor, whenSynced, type TestClient } from '../helpers/clients';
import { seededRandom, randomInt } from '../helpers/random';
import { loadStoredDoc } from '../helpers/store';
import { startSyncServer, type TestSyncServer } from '../helpers/sync-server';

const DOC = 'fuzz.board';
let server: TestSyncServer;
let witness: TestClient;

function frame(...parts: (number | Uint8Array)[]): Uint8Array {
  const e = encoding.createEncoder();
  for (const p of parts) {
    if (typeof p === 'number') encoding.writeVarUint(e, p);
    else encoding.writeVarUint8Array(e, p);
  }
  return encoding.toUint8Array(e);
}

function validUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('text').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

async function storeBytes(): Promise<string> {
  await server.runtime.docStore.flushAll();
  const stored = await server.runtime.storage.load(DOC);
  return JSON.stringify([
    stored.snapshot && Buffer.from(stored.snapshot).toString('hex'),
    stored.updates.map((u) => Buffer.from(u).toString('hex'))
  ]);
}

/** Sends `data` on a fresh raw connection and returns the close code (or 'open'). */
async function probe(data: Uint8Array | string): Promise<number | 'open'> {
  const raw = rawClient(server.wsUrl, DOC);
  await raw.opened;
  raw.ws.send(data);
  const outcome = await Promise.race([
    raw.closed,
    new Promise<'open'>((r) => setTimeout(() => r('open'), 300))
  ]);
  if (outcome === 'open') raw.ws.close();
  return outcome;
}

beforeAll(async () => {
  server = await startSyncServer();
  witness = connectClient(server.wsUrl, DOC);
  await whenSynced(witness);
  witness.doc.getText('text').insert(0, 'baseline');
  // Wait until the witness's edit is in the store, so every probe starts from a settled store.
  for (let i = 0; i < 200; i++) {
    const stored = await loadStoredDoc(server.runtime.storage, DOC);
    if (stored.getText('text').toString() === 'baseline') break;
    await new Promise((r) => setTimeout(r, 10));
  }
});

afterAll(async () => {
  witness.destroy();
  await server.stop();
});

const truncated = validUpdate('hello world, this is a valid update');
const cases: [string, Uint8Array | string][] = [
  ['an empty frame', new Uint8Array(0)],
  ['a truncated varint', Uint8Array.of(0x80)],
  ['a truncated varint in a sync message', Uint8Array.of(MessageType.Sync, 0xff, 0xff)],
  [
    'an absurd payload length',
    Uint8Array.of(MessageType.Sync, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2)
  ],
  ['an unknown message type', frame(9, new Uint8Array(4))],
  ['an auth message from a client', frame(MessageType.Auth, 0)],
  ['an unknown sync sub-type', frame(MessageType.Sync, 7, new Uint8Array(2))],
  ['a malformed state vector', frame(MessageType.Sync, SyncMessageType.Step1, Uint8Array.of(5, 1))],
  [
    'random bytes as an update',
    frame(MessageType.Sync, SyncMessageType.Update, Uint8Array.of(3, 200, 17, 9, 255, 4))
  ],
  [
    'a truncated Yjs update',
    frame(MessageType.Sync, SyncMessageType.Update, truncated.slice(0, truncated.length - 6))
  ],
  ['a truncated step 2', frame(MessageType.Sync, SyncMessageType.Step2, truncated.slice(0, 9))],
  [
    'an update with a bad content ref',
    frame(MessageType.Sync, SyncMessageType.Update, Uint8Array.of(1, 1, 42, 0, 31, 1, 1, 0, 0))
  ],
  [
    'awareness that is not JSON',
    frame(MessageType.Awareness, frame(1, 77, 1, new TextEncoder().encode('{nope')))
  ],
  ['a text frame', 'hello']
];

describe('bad input', () => {
  it.each(cases)(
    '[LIMIT1] %s closes with MalformedMessage; the store is unchanged',
    async (_, data) => {
      const before = await storeBytes();
      expect(await probe(data)).toBe(CloseCode.MalformedMessage);
      expect(await storeBytes()).toBe(before);
    }
  );

  it('[LIMIT1] seeded random frames never change the store or hurt other connections', async () => {
    const before = await storeBytes();
    const rand = seededRandom(20261125);
    let closedMalformed = 0;
    for (let i = 0; i < 60; i++) {
      const bytes = new Uint8Array(1 + randomInt(rand, 200));
      for (let j = 0; j < bytes.length; j++) bytes[j] = randomInt(rand, 256);
      // Half of them look like sync updates to get past the first byte.
      if (i % 2 === 0) bytes.set([MessageType.Sync, SyncMessageType.Update]);
      const outcome = await probe(bytes);
      // A random frame may happen to be valid (e.g. a query-awareness); it must never be
      // anything but closed-as-malformed or harmlessly accepted.
      expect([CloseCode.MalformedMessage, 'open']).toContain(outcome);
      if (outcome === CloseCode.MalformedMessage) closedMalformed++;
    }
    expect(closedMalformed).toBeGreaterThan(40);
    expect(await storeBytes()).toBe(before);
    // The witness connection is still live and editing works for everyone.
    expect(witness.provider.wsconnected).toBe(true);
    const late = connectClient(server.wsUrl, DOC);
    await whenSynced(late);
    witness.doc.getText('text').insert(0, '!');
    await waitFor(() => late.doc.getText('text').toString() === '!baseline', 3_000, 'witness edit');
    late.destroy();
  });
});
