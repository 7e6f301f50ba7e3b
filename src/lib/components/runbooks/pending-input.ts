/**
 * Brings a ProseMirror view's state up to what the browser already shows, before a remote edit
 * is applied to the runbook document.
 *
 * ProseMirror reads the browser's own changes to the editable DOM after the fact: a caret moved
 * by a click or a key (Ctrl+End, arrows) on the next `selectionchange` event, which browsers
 * fire asynchronously, and typed text when its DOM mutation is reported. Until then its state is
 * behind the screen. The Yjs binding (@tiptap/y-tiptap) rebuilds the whole ProseMirror document
 * on every remote edit and restores the caret from that state, then writes it into the DOM: a
 * remote edit landing in that gap put the caret back where it was before the key, and the next
 * letters went there (yjs/y-prosemirror#146). Reading the pending input first closes the gap.
 */
import type { EditorView } from '@tiptap/pm/view';

/** What we use of ProseMirror's DOM observer (internal to prosemirror-view, hence the probe). */
interface DomObserver {
  flush(): void;
}

function domObserverOf(view: EditorView): DomObserver | null {
  // `domObserver` is not in prosemirror-view's public types; `flush()` is what its own
  // `selectionchange` and mutation handlers call. Probed so a future version without it only
  // loses this fix instead of breaking the editor.
  const observer: unknown = (view as unknown as { domObserver?: unknown }).domObserver;
  if (typeof observer !== 'object' || observer === null) return null;
  return typeof (observer as Partial<DomObserver>).flush === 'function'
    ? (observer as DomObserver)
    : null;
}

/**
 * Makes `view` read the DOM changes and caret moves it has not read yet (dispatched as normal
 * local transactions). Call outside any Yjs transaction, before remote edits are applied.
 */
export function readPendingInput(view: EditorView): void {
  if (view.isDestroyed) return;
  domObserverOf(view)?.flush();
}
