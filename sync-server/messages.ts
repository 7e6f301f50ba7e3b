/**
 * Encoding and strict decoding of y-websocket protocol messages. Decoding never trusts the
 * peer: every length is bounds-checked by lib0, every Yjs payload is fully decoded before it
 * may touch a document, and anything unexpected is a `MalformedMessageError`.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { MessageType, SyncMessageType } from '../src/lib/shared/sync-protocol';

/** A message that cannot be decoded or carries an invalid payload. */
export class MalformedMessageError extends Error {
  readonly code = 'malformed_message';
  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

export type IncomingMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array; step2: boolean }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' };

/** Decodes one frame into a typed message; throws MalformedMessageError. */
export function decodeMessage(data: Uint8Array): IncomingMessage {
  try {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.Sync: {
        const sub = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (sub === SyncMessageType.Step1) {
          // Throws on a malformed state vector.
          Y.decodeStateVector(payload);
          return { type: 'sync-step1', stateVector: payload };
        }
        if (sub === SyncMessageType.Step2 || sub === SyncMessageType.Update) {
          return { type: 'sync-update', update: payload, step2: sub === SyncMessageType.Step2 };
        }
        throw new MalformedMessageError(`unknown sync message type ${sub}`);
      }
      case MessageType.Awareness:
        return { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
      case MessageType.QueryAwareness:
        return { type: 'query-awareness' };
      default:
        throw new MalformedMessageError(`unknown message type ${type}`);
    }
  } catch (error) {
    if (error instanceof MalformedMessageError) throw error;
    throw new MalformedMessageError(`undecodable message: ${String(error)}`);
  }
}

/**
 * Fully decodes a Yjs update without applying it. Applying a malformed update could throw
 * half way through a transaction and leave (and persist) a partial change, so a payload must
 * pass this first. Returns the decoded update.
 */
export function assertValidUpdate(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> {
  try {
    return Y.decodeUpdate(update);
  } catch (error) {
    throw new MalformedMessageError(`invalid Yjs update: ${String(error)}`);
  }
}

function frame(type: number, sub: number | null, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  if (sub !== null) encoding.writeVarUint(encoder, sub);
  encoding.writeVarUint8Array(encoder, payload);
  const bytes = encoding.toUint8Array(encoder);
  // A Buffer view (no copy): ws would otherwise wrap a plain Uint8Array in a new Buffer for
  // every recipient of a broadcast.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `[Sync, Update, update]`. */
export function encodeUpdateMessage(update: Uint8Array): Uint8Array {
  return frame(MessageType.Sync, SyncMessageType.Update, update);
}

/** `[Sync, Step1, stateVector]`. */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return frame(MessageType.Sync, SyncMessageType.Step1, Y.encodeStateVector(doc));
}

/** `[Sync, Step2, diff]`: what `doc` has that the peer's state vector lacks. */
export function encodeSyncStep2(diff: Uint8Array): Uint8Array {
  return frame(MessageType.Sync, SyncMessageType.Step2, diff);
}

/** `[Awareness, update]`. */
export function encodeAwarenessMessage(update: Uint8Array): Uint8Array {
  return frame(MessageType.Awareness, null, update);
}
