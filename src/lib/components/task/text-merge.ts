/**
 * Merging a description being edited with a collaborator's concurrent change. The editor keeps
 * a draft and saves it after a pause; when a remote change arrives in between, the draft is
 * rebased onto it instead of being written over it, so both people keep their text. Each side
 * is reduced to one replaced span (common prefix and suffix), which is exact for typing in one
 * place — the case of two people editing different paragraphs.
 */

/** One replaced span: `base.slice(start, end)` became `text`. */
export interface TextSplice {
  start: number;
  end: number;
  text: string;
}

/** The smallest single span that turns `from` into `to` (null when they are equal). */
export function diffSpan(from: string, to: string): TextSplice | null {
  if (from === to) return null;
  let start = 0;
  const max = Math.min(from.length, to.length);
  while (start < max && from.charCodeAt(start) === to.charCodeAt(start)) start++;
  let suffix = 0;
  while (
    suffix < max - start &&
    from.charCodeAt(from.length - 1 - suffix) === to.charCodeAt(to.length - 1 - suffix)
  ) {
    suffix++;
  }
  return { start, end: from.length - suffix, text: to.slice(start, to.length - suffix) };
}

/** The result of rebasing a draft, and where a caret in the draft moves to. */
export interface Rebased {
  text: string;
  /** Maps an offset in the old draft to the same place in `text`. */
  mapOffset: (offset: number) => number;
}

/**
 * Rebases `draft` (edited from `base`) onto `remote` (another replica's edit of `base`). When
 * the two edits touch separate spans both are kept; when they overlap the local edit wins over
 * the remote one inside the overlap (the person typing does not lose keystrokes), and remote
 * text outside it is kept.
 */
export function rebaseDraft(base: string, draft: string, remote: string): Rebased {
  const local = diffSpan(base, draft);
  const theirs = diffSpan(base, remote);
  if (local === null) return { text: remote, mapOffset: mapThrough(theirs) };
  if (theirs === null) return { text: draft, mapOffset: (offset) => offset };
  const delta = theirs.text.length - (theirs.end - theirs.start);
  if (theirs.end <= local.start) {
    // Their change lies wholly before mine: mine shifts by their length change.
    const text =
      remote.slice(0, local.start + delta) + local.text + remote.slice(local.end + delta);
    return { text, mapOffset: (offset) => (offset >= local.start ? offset + delta : offset) };
  }
  if (theirs.start >= local.end) {
    // Wholly after mine: their span shifts by my length change.
    const mine = local.text.length - (local.end - local.start);
    const text = draft.slice(0, theirs.start + mine) + theirs.text + draft.slice(theirs.end + mine);
    return {
      text,
      mapOffset: (offset) => (offset > theirs.start + mine ? offset + delta : offset)
    };
  }
  // Overlapping spans: keep the remote text around the union, my text inside it.
  const start = Math.min(local.start, theirs.start);
  const end = Math.max(local.end, theirs.end);
  const before = remote.slice(0, start);
  const after = remote.slice(end + delta);
  const mineWithin = draft.slice(start, draft.length - (base.length - end));
  const text = before + mineWithin + after;
  return { text, mapOffset: (offset) => offset };
}

function mapThrough(splice: TextSplice | null): (offset: number) => number {
  if (splice === null) return (offset) => offset;
  const delta = splice.text.length - (splice.end - splice.start);
  // A caret at the start of their change stays before it; one inside a replaced span moves to
  // its end; one after it shifts by the length change.
  return (offset) => {
    if (offset <= splice.start) return offset;
    if (offset >= splice.end) return offset + delta;
    return splice.start + splice.text.length;
  };
}
