import { afterEach, describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider, messageSync } from 'y-websocket';
import * as Y from 'yjs';
import {
  MAX_BATCH_GAP_MS,
  MIN_BATCH_GAP_MS,
  batchRemoteUpdates
} from '../../src/lib/sync/remote-batching';

/** A clock the test moves by hand; `schedule` records what would run when. */
function manualClock() {
  let now = 1_000;
  const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
  return {
    now: () => now,
    schedule(run: () => void, ms: number) {
      const timer = { at: now + ms, run, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    pending: () => timers.filter((timer) => !timer.cancelled),
    advance(ms: number) {
      now += ms;
      for (const timer of [...timers]) {
        if (!timer.cancelled && timer.at <= now) {
          timer.cancelled = true;
          timer.run();
        }
      }
    },
    /** Makes the next `now()` calls pass `ms` (a slow apply). */
    slowBy(ms: number) {
      now += ms;
    }
  };
}

const providers: WebsocketProvider[] = [];
afterEach(() => {
  for (const provider of providers.splice(0)) {
    provider.destroy();
    provider.awareness.destroy();
  }
});

/** A stock provider that never opens a socket; messages are fed to its handlers directly. */
function offlineProvider(): WebsocketProvider {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider('ws://127.0.0.1:9', 'ws1.runbook.abc', doc, {
    connect: false,
    // Never constructed (connect: false); Node 20 has no global WebSocket.
    WebSocketPolyfill: class {} as unknown as typeof WebSocket
  });
  providers.push(provider);
  return provider;
}

/** Feeds one sync message to the provider as y-websocket's readMessage does; returns the reply. */
function receive(provider: WebsocketProvider, write: (encoder: encoding.Encoder) => void) {
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, messageSync);
  write(message);
  const decoder = decoding.createDecoder(encoding.toUint8Array(message));
  const messageType = decoding.readVarUint(decoder);
  const reply = encoding.createEncoder();
  provider.messageHandlers[messageType]!(reply, decoder, provider, true, messageType);
  return encoding.toUint8Array(reply);
}

/** A remote peer whose edits come out as single updates. */
function remotePeer() {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  return {
    doc,
    type(text: string) {
      const target = doc.getText('t');
      target.insert(target.length, text);
      return updates[updates.length - 1]!;
    }
  };
}

describe('batchRemoteUpdates', () => {
  it('applies an update at once when none was applied lately, with the provider as origin', () => {
    const provider = offlineProvider();
    const clock = manualClock();
    batchRemoteUpdates(provider, clock);
    const origins: unknown[] = [];
    provider.doc.on('update', (_update: Uint8Array, origin: unknown) => origins.push(origin));
    const peer = remotePeer();
    const reply = receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('hello')));
    expect(provider.doc.getText('t').toString()).toBe('hello');
    expect(origins).toEqual([provider]);
    // An update needs no reply (y-websocket sends the reply only when it is not empty).
    expect(reply.length).toBe(0);
  });

  it('queues updates that come soon after a batch and applies them in one transaction', () => {
    const provider = offlineProvider();
    const clock = manualClock();
    const batcher = batchRemoteUpdates(provider, clock);
    let transactions = 0;
    provider.doc.on('afterTransaction', () => transactions++);
    const peer = remotePeer();
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('a')));
    expect(transactions).toBe(1);
    for (const text of ['b', 'c', 'd']) {
      receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type(text)));
    }
    expect(provider.doc.getText('t').toString()).toBe('a');
    expect(batcher.queued).toBe(3);
    expect(clock.pending()).toHaveLength(1);
    clock.advance(MIN_BATCH_GAP_MS);
    expect(provider.doc.getText('t').toString()).toBe('abcd');
    expect(transactions).toBe(2);
    expect(batcher.queued).toBe(0);
  });

  it('waits twice as long as the last batch took, within bounds', () => {
    const provider = offlineProvider();
    const clock = manualClock();
    batchRemoteUpdates(provider, clock);
    const peer = remotePeer();
    // Applying takes 100 ms (a big runbook's editor rebuild).
    provider.doc.on('afterTransaction', () => clock.slowBy(100));
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('a')));
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('b')));
    clock.advance(199);
    expect(provider.doc.getText('t').toString()).toBe('a');
    clock.advance(1);
    expect(provider.doc.getText('t').toString()).toBe('ab');

    // However slow, never more than the maximum gap.
    const slow = offlineProvider();
    const slowClock = manualClock();
    batchRemoteUpdates(slow, slowClock);
    const slowPeer = remotePeer();
    slow.doc.on('afterTransaction', () => slowClock.slowBy(5_000));
    receive(slow, (e) => syncProtocol.writeUpdate(e, slowPeer.type('c')));
    receive(slow, (e) => syncProtocol.writeUpdate(e, slowPeer.type('d')));
    slowClock.advance(MAX_BATCH_GAP_MS - 1);
    expect(slow.doc.getText('t').toString()).toBe('c');
    slowClock.advance(1);
    expect(slow.doc.getText('t').toString()).toBe('cd');
  });

  it('flushes the queue before the handshake, which it leaves to y-websocket (synced, reply)', () => {
    const provider = offlineProvider();
    const clock = manualClock();
    batchRemoteUpdates(provider, clock);
    const peer = remotePeer();
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('one ')));
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('two ')));
    expect(provider.doc.getText('t').toString()).toBe('one ');
    peer.type('three');
    // Step 1 from the server: answered at once with this doc's state (step 2).
    const reply = receive(provider, (e) => syncProtocol.writeSyncStep1(e, peer.doc));
    expect(provider.doc.getText('t').toString()).toBe('one two ');
    const replyDecoder = decoding.createDecoder(reply);
    expect(decoding.readVarUint(replyDecoder)).toBe(messageSync);
    expect(decoding.readVarUint(replyDecoder)).toBe(syncProtocol.messageYjsSyncStep2);
    // Step 2: applied at once and marks the provider synced.
    expect(provider.synced).toBe(false);
    receive(provider, (e) =>
      syncProtocol.writeSyncStep2(e, peer.doc, Y.encodeStateVector(provider.doc))
    );
    expect(provider.doc.getText('t').toString()).toBe('one two three');
    expect(provider.synced).toBe(true);
  });

  it('keeps applying the rest of a batch when one update is broken', () => {
    const provider = offlineProvider();
    const clock = manualClock();
    const batcher = batchRemoteUpdates(provider, clock);
    const peer = remotePeer();
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('a')));
    receive(provider, (e) => syncProtocol.writeUpdate(e, new Uint8Array([255, 255, 255])));
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('b')));
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      batcher.flush();
    } finally {
      console.error = original;
    }
    expect(provider.doc.getText('t').toString()).toBe('ab');
    expect(errors).toHaveLength(1);
  });

  it('destroy applies what is queued and puts the stock handler back', () => {
    const provider = offlineProvider();
    const stock = provider.messageHandlers[messageSync];
    const clock = manualClock();
    const batcher = batchRemoteUpdates(provider, clock);
    expect(provider.messageHandlers[messageSync]).not.toBe(stock);
    const peer = remotePeer();
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('a')));
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('b')));
    batcher.destroy();
    expect(provider.doc.getText('t').toString()).toBe('ab');
    expect(provider.messageHandlers[messageSync]).toBe(stock);
    expect(clock.pending()).toHaveLength(0);
  });

  it('runs beforeApply listeners before remote edits apply, outside any transaction', () => {
    const provider = offlineProvider();
    const clock = manualClock();
    const batcher = batchRemoteUpdates(provider, clock);
    const seen: string[] = [];
    const doc = provider.doc;
    const remove = batcher.beforeApply(() => {
      // What an editor does here (read pending input) becomes a local edit, sent as usual.
      seen.push(
        `${doc.getText('t').toString()}|${doc._transaction === null ? 'outside' : 'inside'}`
      );
      doc.getText('local').insert(0, 'x');
    });
    const origins: unknown[] = [];
    doc.on('update', (_update: Uint8Array, origin: unknown) => origins.push(origin));
    const peer = remotePeer();
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('a')));
    expect(seen).toEqual(['|outside']);
    expect(origins).toEqual([null, provider]);

    // A queued batch: once, when it is applied, not per update.
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('b')));
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('c')));
    expect(seen).toHaveLength(1);
    clock.advance(MAX_BATCH_GAP_MS);
    expect(seen).toEqual(['|outside', 'a|outside']);

    // Step 1 changes nothing here; step 2 carries edits.
    peer.type('d');
    receive(provider, (e) => syncProtocol.writeSyncStep1(e, peer.doc));
    expect(seen).toHaveLength(2);
    receive(provider, (e) => syncProtocol.writeSyncStep2(e, peer.doc, Y.encodeStateVector(doc)));
    expect(seen).toEqual(['|outside', 'a|outside', 'abc|outside']);
    expect(doc.getText('t').toString()).toBe('abcd');

    remove();
    receive(provider, (e) => syncProtocol.writeUpdate(e, peer.type('e')));
    clock.advance(MAX_BATCH_GAP_MS);
    expect(doc.getText('t').toString()).toBe('abcde');
    expect(seen).toHaveLength(3);
  });

  it('applies remote edits even when a beforeApply listener throws', () => {
    const provider = offlineProvider();
    const batcher = batchRemoteUpdates(provider, manualClock());
    batcher.beforeApply(() => {
      throw new Error('editor gone');
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      receive(provider, (e) => syncProtocol.writeUpdate(e, remotePeer().type('a')));
    } finally {
      console.error = original;
    }
    expect(provider.doc.getText('t').toString()).toBe('a');
    expect(errors).toHaveLength(1);
  });
});
