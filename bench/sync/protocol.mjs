// y-websocket wire helpers for the load generator.
//
// The generator never decodes what it receives into a Y.Doc: it only looks at
// the first two bytes (message type / sync sub-type) and scans the raw bytes
// for ASCII markers of the form `~e<editor>s<seq>~` that were embedded in the
// pre-generated inserts.
import * as Y from 'yjs';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

/**
 * lib0 varUint encoding.
 * @param {number[]} out
 * @param {number} n
 */
function writeVarUint(out, n) {
  while (n > 0x7f) {
    out.push(0x80 | (n & 0x7f));
    n = Math.floor(n / 128);
  }
  out.push(n & 0x7f);
}

/**
 * `[messageSync, subType, varUint8Array(payload)]`
 * @param {number} subType
 * @param {Uint8Array} payload
 * @returns {Buffer}
 */
export function encodeSyncMessage(subType, payload) {
  /** @type {number[]} */
  const head = [MESSAGE_SYNC, subType];
  writeVarUint(head, payload.length);
  const buf = Buffer.allocUnsafe(head.length + payload.length);
  buf.set(head, 0);
  buf.set(payload, head.length);
  return buf;
}

/** Sync step 1 with an empty state vector ("send me everything"). */
export const STEP1_EMPTY = encodeSyncMessage(SYNC_STEP1, Uint8Array.of(0));

/**
 * @param {Uint8Array} update
 * @returns {Buffer}
 */
export const encodeUpdateMessage = (update) => encodeSyncMessage(SYNC_UPDATE, update);

/**
 * @param {number} editor
 * @param {number} seq
 */
export const marker = (editor, seq) => `~e${editor}s${seq}~`;

/**
 * Pre-generate `count` update messages for one editor: a private Y.Doc that
 * inserts a unique marker at index 0 of the shared Y.Text 'text' each time.
 * @param {number} editor
 * @param {number} count
 * @returns {Buffer[]}
 */
export function pregenerateEditor(editor, count) {
  const doc = new Y.Doc();
  const text = doc.getText('text');
  /** @type {Buffer[]} */
  const out = [];
  doc.on('update', (/** @type {Uint8Array} */ u) => out.push(encodeUpdateMessage(u)));
  for (let seq = 0; seq < count; seq++) text.insert(0, marker(editor, seq));
  doc.destroy();
  if (out.length !== count)
    throw new Error(`pregenerate: expected ${count} updates, got ${out.length}`);
  return out;
}

const PREFIX = Buffer.from('~e', 'latin1');
const CH_S = 0x73; // 's'
const CH_TILDE = 0x7e; // '~'

/**
 * Find every marker in a raw message and call `fn(editor, seq)` for each.
 * Handles servers that coalesce several updates into one message.
 * @param {Buffer} buf
 * @param {number} from byte offset to start scanning at
 * @param {(editor: number, seq: number) => void} fn
 * @returns {number} markers found
 */
export function scanMarkers(buf, from, fn) {
  let found = 0;
  let i = buf.indexOf(PREFIX, from);
  const n = buf.length;
  while (i !== -1) {
    let j = i + 2;
    let e = 0;
    let digits = 0;
    let ch = 0;
    while (j < n && (ch = /** @type {number} */ (buf[j])) >= 0x30 && ch <= 0x39 && digits < 9) {
      e = e * 10 + (ch - 0x30);
      j++;
      digits++;
    }
    if (digits > 0 && j < n && buf[j] === CH_S) {
      j++;
      let s = 0;
      let sd = 0;
      while (j < n && (ch = /** @type {number} */ (buf[j])) >= 0x30 && ch <= 0x39 && sd < 9) {
        s = s * 10 + (ch - 0x30);
        j++;
        sd++;
      }
      if (sd > 0 && j < n && buf[j] === CH_TILDE) {
        fn(e, s);
        found++;
        i = buf.indexOf(PREFIX, j + 1);
        continue;
      }
    }
    i = buf.indexOf(PREFIX, i + 1);
  }
  return found;
}

/**
 * Shared monotonic clock in milliseconds. process.hrtime is CLOCK_MONOTONIC on
 * Linux, which is system-wide, so values are comparable across the
 * orchestrator, the server and the generator processes on the same host.
 */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
