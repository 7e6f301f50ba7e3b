// Remote collaborators for the typing figure: stock y-websocket WebsocketProvider clients in
// Node (API tokens), each typing into its own paragraph of the runbook's Y.XmlFragment
// 'content' (the y-tiptap layout: paragraph elements holding one Y.XmlText) at a steady rate.
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { whenSynced } from '../provider.mjs';

/**
 * @typedef {{ doc: Y.Doc, provider: WebsocketProvider, text: Y.XmlText | null,
 *   inserted: string, edits: number, timer: ReturnType<typeof setInterval> | null }} Collaborator
 */

/**
 * The paragraphs' texts of a runbook document (top-level `paragraph` elements only).
 * @param {Y.Doc} doc
 */
function paragraphTexts(doc) {
  /** @type {Y.XmlText[]} */
  const texts = [];
  for (const node of doc.getXmlFragment('content').toArray()) {
    if (!(node instanceof Y.XmlElement) || node.nodeName !== 'paragraph') continue;
    const first = node.get(0);
    if (first instanceof Y.XmlText && first.length > 20) texts.push(first);
  }
  return texts;
}

/**
 * Connects `tokens.length` collaborators to `docName` and waits until each is synced; each gets
 * its own paragraph, spread over the document.
 * @param {{ baseUrl: string, docName: string, tokens: string[] }} o
 * @returns {Promise<Collaborator[]>}
 */
export async function connectCollaborators(o) {
  /** @type {Collaborator[]} */
  const list = o.tokens.map((token) => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(o.baseUrl, o.docName, doc, {
      WebSocketPolyfill: /** @type {any} */ (WebSocket),
      params: { token },
      // No cross-tab channel in Node; nothing to share with.
      disableBc: true
    });
    return { doc, provider, text: null, inserted: '', edits: 0, timer: null };
  });
  await Promise.all(list.map((c) => whenSynced(c.provider, 60_000)));
  list.forEach((c, i) => {
    const texts = paragraphTexts(c.doc);
    if (texts.length < list.length) throw new Error('the runbook has too few paragraphs');
    c.text = texts[Math.floor(((i + 0.5) * texts.length) / list.length)] ?? null;
  });
  return list;
}

/**
 * Starts every collaborator typing: one word every `intervalMs` at the end of its paragraph.
 * @param {Collaborator[]} list
 * @param {number} intervalMs
 */
export function startTyping(list, intervalMs) {
  list.forEach((c, i) => {
    // Staggered, so the five do not send in lockstep.
    setTimeout(
      () => {
        c.timer = setInterval(() => {
          const word = ` c${i}w${c.edits}`;
          const text = /** @type {Y.XmlText} */ (c.text);
          text.insert(text.length, word);
          c.inserted += word;
          c.edits++;
        }, intervalMs);
      },
      (i * intervalMs) / list.length
    );
  });
}

/** @param {Collaborator[]} list */
export function stopTyping(list) {
  for (const c of list) if (c.timer) clearInterval(c.timer);
}

/**
 * Waits until every collaborator's copy holds `needle` and every other collaborator's edits;
 * resolves with whether they did within `timeoutMs`.
 * @param {Collaborator[]} list
 * @param {string} needle
 * @param {number} timeoutMs
 */
export async function converged(list, needle, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const check = () =>
    list.every((c) => {
      const all = c.doc.getXmlFragment('content').toString();
      return all.includes(needle) && list.every((other) => all.includes(other.inserted));
    });
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** @param {Collaborator[]} list */
export function disconnectAll(list) {
  for (const c of list) {
    c.provider.destroy();
    c.doc.destroy();
  }
}
