import { afterEach, describe, expect, it } from 'vitest';
import * as bc from 'lib0/broadcastchannel';
import * as Y from 'yjs';
import { LeanWebsocketProvider, quietLoad } from '../../src/lib/sync/lean-provider';

const providers: LeanWebsocketProvider[] = [];
afterEach(() => {
  for (const provider of providers.splice(0)) {
    provider.destroy();
    provider.awareness.destroy();
  }
});

/** A tab of `room` (no socket: only the cross-tab channel is used). */
function tab(room: string, doc = new Y.Doc()): LeanWebsocketProvider {
  const provider = new LeanWebsocketProvider('ws://127.0.0.1:9', room, doc, {
    connect: false,
    // Never constructed (connect: false); Node 20 has no global WebSocket.
    WebSocketPolyfill: class {} as unknown as typeof WebSocket
  });
  providers.push(provider);
  return provider;
}

const text = (doc: Y.Doc) => doc.getText('t').toString();

describe('LeanWebsocketProvider across tabs', () => {
  it('exchanges only what each tab lacks, both ways, when a tab joins', () => {
    const room = `ws1.board.${Math.random().toString(36).slice(2)}`;
    const shared = new Y.Doc();
    const common = 'x'.repeat(20_000);
    shared.getText('t').insert(0, `${common}shared `);
    const a = new Y.Doc();
    Y.applyUpdate(a, Y.encodeStateAsUpdate(shared));
    a.getText('t').insert(common.length + 7, 'from-a ');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(shared));
    b.getText('t').insert(0, 'from-b ');

    const first = tab(room, a);
    first.connectBc();
    // Alone, the first tab's hello is not answered and changes nothing.
    expect(text(a)).toBe(`${common}shared from-a `);

    let posted = 0;
    const count = (data: ArrayBuffer | Uint8Array) => (posted += data.byteLength);
    bc.subscribe(first.bcChannel, count);
    const second = tab(room, b);
    second.connectBc();
    bc.unsubscribe(first.bcChannel, count);

    expect(text(a)).toBe(text(b));
    expect(text(a)).toContain('from-a');
    expect(text(a)).toContain('from-b');
    // Only differences crossed (y-websocket's own handshake posts the whole state, 20 kB here).
    expect(posted).toBeGreaterThan(0);
    expect(posted).toBeLessThan(1_000);

    // Later edits travel as plain updates.
    b.getText('t').insert(0, 'later ');
    expect(text(a).startsWith('later ')).toBe(true);
  });

  it('keeps awareness across tabs', () => {
    const room = `ws1.board.${Math.random().toString(36).slice(2)}`;
    const first = tab(room);
    first.awareness.setLocalState({ user: 'first' });
    first.connectBc();
    const second = tab(room);
    second.awareness.setLocalState({ user: 'second' });
    second.connectBc();
    expect(second.awareness.getStates().get(first.doc.clientID)).toEqual({ user: 'first' });
    expect(first.awareness.getStates().get(second.doc.clientID)).toEqual({ user: 'second' });
  });
});

describe('quietLoad', () => {
  it('announces no update for the load origin, and every other transaction as always', () => {
    const source = new Y.Doc();
    source.getText('t').insert(0, 'stored copy');
    const doc = new Y.Doc();
    const load = Symbol('load');
    const stop = quietLoad(doc, load);
    const seen: unknown[] = [];
    doc.on('update', (_update: Uint8Array, origin: unknown) => seen.push(origin));

    Y.applyUpdate(doc, Y.encodeStateAsUpdate(source), load);
    expect(text(doc)).toBe('stored copy');
    expect(seen).toEqual([]);

    doc.getText('t').insert(0, 'local ');
    expect(seen).toEqual([null]);
    // Stopped, a load is announced like any transaction.
    stop();
    const before = Y.encodeStateVector(source);
    source.getText('t').insert(0, 'more ');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(source, before), load);
    expect(seen).toEqual([null, load]);
  });

  it('announces an edit an observer makes during the load, and listeners added meanwhile', () => {
    const source = new Y.Doc();
    source.getMap('m').set('k', 1);
    const doc = new Y.Doc();
    const load = Symbol('load');
    quietLoad(doc, load);
    const seen: string[] = [];
    doc.on('update', (_u: Uint8Array, origin: unknown) => seen.push(String(origin)));
    let added = false;
    doc.getMap('m').observe((event) => {
      if (event.transaction.origin !== load) return;
      // A listener added while the load's listeners are set aside, and an edit in reaction.
      doc.on('update', () => {
        added = true;
      });
      doc.transact(() => doc.getMap('m').set('derived', 2), 'observer');
    });
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(source), load);
    expect(doc.getMap('m').get('derived')).toBe(2);
    expect(seen).toEqual(['observer']);
    expect(added).toBe(true);
  });
});
