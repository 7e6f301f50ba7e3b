/**
 * Keeps a value derived from the editor's document current: read at once, then after every
 * change of the document (local, remote or undo), for panels beside the editor such as the run
 * steps and the contents. Call during component initialisation.
 */
import type { Editor } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';

export function watchEditorDoc(editor: () => Editor | null, read: (doc: PmNode) => void): void {
  $effect(() => {
    const current = editor();
    if (current === null) return;
    const refresh = (): void => read(current.state.doc);
    // The first read runs inside the effect, so what `read` uses (e.g. a prop) re-runs it.
    refresh();
    current.on('update', refresh);
    return () => {
      current.off('update', refresh);
    };
  });
}
