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
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey, TextSelection } from '@tiptap/pm/state';
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

/**
 * The caret after typed text is derived from the edit, not from the DOM selection read later.
 *
 * ProseMirror reads typed text from the DOM after the browser inserted it, and sets the caret
 * to the DOM selection it finds then. Typing the first letter into an empty block (a new line
 * after Enter), Chrome on a busy machine can report that selection still before the letter;
 * ProseMirror then puts the caret back in front of it and the next letters land there
 * ("wner writes step oneO"). ProseMirror already ignores such a report for old Edge and IE (its
 * own comment: "Edge just doesn't move the cursor forward when you start typing in an empty
 * block"); this does the same for every browser: typing never leaves the caret at the start of
 * what was typed.
 *
 * Runs last among the text-input handlers (priority 1), so input rules (Markdown shortcuts)
 * still see the text first; it keeps ProseMirror's own transaction (marks, composition) and only
 * moves a caret that sits at the start of the typed text to its end.
 */
export const typedTextCaret = Extension.create({
  name: 'typedTextCaret',
  priority: 1,
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('typedTextCaret'),
        props: {
          handleTextInput(view, from, to, text, deflt) {
            const tr = deflt();
            const { selection } = tr;
            if (text.length > 0 && selection.empty && selection.head === tr.mapping.map(from, -1)) {
              tr.setSelection(TextSelection.create(tr.doc, tr.mapping.map(to)));
            }
            view.dispatch(tr);
            return true;
          }
        }
      })
    ];
  }
});
