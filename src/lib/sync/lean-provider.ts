/**
 * Two costs of opening a big document that buy nothing, taken out (bench/board-profiles.md,
 * "Live board from IndexedDB"):
 *
 * - `quietLoad`: the transaction that loads the offline copy makes Yjs encode the whole
 *   document again as an `update` event (~80 ms for the 2.5 MB bench board), although every
 *   listener ignores that origin: y-indexeddb wrote it, the provider's first sync step sends
 *   the difference anyway, and the page's own listeners skip it.
 * - `LeanWebsocketProvider`: y-websocket's cross-tab channel, on every connect, posts the whole
 *   document to the other tabs of the same document (sync step 2 of everything, ~70 ms), also
 *   when there is no other tab. Tabs share the offline copy, so a tab that connects only needs
 *   what the others have and the copy lacks, and the others what it has and they lack: it says
 *   hello with its state vector, each other tab answers with the difference and its own state
 *   vector, and the new tab answers that with its difference. With no other tab, nothing is
 *   encoded.
 */
import * as bc from 'lib0/broadcastchannel';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import {
  WebsocketProvider,
  messageAwareness,
  messageQueryAwareness,
  messageSync
} from 'y-websocket';
import * as Y from 'yjs';

/**
 * A tab's greeting over the cross-tab channel: its state vector. Never sent to the server;
 * y-websocket's message types end at 3.
 */
export const messageTabHello = 100;

/** y-websocket's provider with a cross-tab handshake that sends differences only. */
export class LeanWebsocketProvider extends WebsocketProvider {
  constructor(...args: ConstructorParameters<typeof WebsocketProvider>) {
    super(...args);
    this.messageHandlers[messageTabHello] = (encoder, decoder, provider) => {
      const stateVector = decoding.readVarUint8Array(decoder);
      // What this tab has and the new one lacks, as the reply (y-websocket posts it) ...
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeSyncStep2(encoder, provider.doc, stateVector);
      // ... and this tab's state vector, which the new tab answers with what this one lacks.
      const ask = encoding.createEncoder();
      encoding.writeVarUint(ask, messageSync);
      syncProtocol.writeSyncStep1(ask, provider.doc);
      bc.publish(provider.bcChannel, encoding.toUint8Array(ask), provider);
    };
  }

  override connectBc(): void {
    if (this.disableBc) return;
    if (!this.bcconnected) {
      bc.subscribe(this.bcChannel, this._bcSubscriber);
      this.bcconnected = true;
    }
    const hello = encoding.createEncoder();
    encoding.writeVarUint(hello, messageTabHello);
    encoding.writeVarUint8Array(hello, Y.encodeStateVector(this.doc));
    bc.publish(this.bcChannel, encoding.toUint8Array(hello), this);
    // Awareness as y-websocket does it: ask the other tabs for theirs, and post this tab's.
    const query = encoding.createEncoder();
    encoding.writeVarUint(query, messageQueryAwareness);
    bc.publish(this.bcChannel, encoding.toUint8Array(query), this);
    const state = encoding.createEncoder();
    encoding.writeVarUint(state, messageAwareness);
    encoding.writeVarUint8Array(
      state,
      awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID])
    );
    bc.publish(this.bcChannel, encoding.toUint8Array(state), this);
  }
}

type Observers = Map<string, Set<(...args: unknown[]) => void>>;

/**
 * Keeps the transactions of `origin` (the offline copy's load) from being encoded for the
 * document's `update` listeners, which all ignore that origin. Yjs encodes a transaction for
 * `update` only while the event has listeners, so they are set aside from the end of such a
 * transaction until the next one (or the end of the batch) starts its own cleanup: every
 * other transaction, also one made by an observer during the load, is encoded and announced
 * as always. Returns the function that stops this.
 */
export function quietLoad(doc: Y.Doc, origin: unknown): () => void {
  // lib0's Observable keeps its listeners here (yjs 13); checked by tests/unit/lean-provider.
  const observers = (doc as unknown as { _observers: Observers })._observers;
  let setAside: Set<(...args: unknown[]) => void> | null = null;
  const restore = (): void => {
    if (setAside === null) return;
    const added = observers.get('update');
    // A listener added meanwhile joins the ones set aside.
    if (added) for (const listener of added) setAside.add(listener);
    observers.set('update', setAside);
    setAside = null;
  };
  const onCleanup = (transaction: Y.Transaction): void => {
    restore();
    if (transaction.origin !== origin) return;
    const listeners = observers.get('update');
    if (listeners === undefined) return;
    setAside = listeners;
    observers.delete('update');
  };
  doc.on('afterTransactionCleanup', onCleanup);
  doc.on('afterAllTransactions', restore);
  return () => {
    restore();
    doc.off('afterTransactionCleanup', onCleanup);
    doc.off('afterAllTransactions', restore);
  };
}
