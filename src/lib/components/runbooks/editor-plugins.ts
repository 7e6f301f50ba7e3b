/**
 * Browser-only additions to the shared runbook extension set: a copy button on every code
 * block (a widget decoration, so the document itself is untouched) and `#` to link a task.
 * They never change the schema, so documents stay exactly what the server can convert.
 */
import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import type { Node as PmNode } from '@tiptap/pm/model';
import { Suggestion } from '@tiptap/suggestion';
import { suggestionPopup, type SuggestionChoice } from './suggestion-popup';

/** Only these schemes may become links (no javascript:, data:, vbscript:…). */
const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

/** The URL as a link target if it is http(s) or mailto, else null. */
export function safeLinkUrl(raw: string): string | null {
  const value = raw.trim();
  if (!SAFE_LINK.test(value)) return null;
  try {
    const url = new URL(value);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

const codeCopyKey = new PluginKey<DecorationSet>('runbookCodeCopy');

function copyDecorations(doc: PmNode, label: string, copied: string): DecorationSet {
  const decorations: Decoration[] = [];
  doc.descendants((node, pos) => {
    // Text blocks hold only inline content: no need to walk every text node of a long runbook
    // on each change.
    if (node.type.name !== 'codeBlock') return !node.isTextblock && !node.isAtom;
    const text = node.textContent;
    decorations.push(
      Decoration.widget(
        pos,
        () => {
          const holder = document.createElement('div');
          holder.className = 'rb-code-copy';
          holder.contentEditable = 'false';
          const button = document.createElement('button');
          button.type = 'button';
          button.textContent = label;
          button.title = label;
          button.dataset.testid = 'code-copy';
          button.addEventListener('mousedown', (event) => event.preventDefault());
          button.addEventListener('click', () => {
            void navigator.clipboard?.writeText(text).then(() => {
              button.textContent = copied;
              setTimeout(() => (button.textContent = label), 1500);
            });
          });
          holder.append(button);
          return holder;
        },
        // A new key when the text changes, so the button copies the current text; not when
        // the block only moves (an edit above it), so its button is not drawn again.
        { side: -1, key: `copy-${text.length}-${hashText(text)}`, ignoreSelection: true }
      )
    );
    return false;
  });
  return DecorationSet.create(doc, decorations);
}

function hashText(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** A copy button above each code block; `labels()` is read at draw time (UI language). */
export function codeCopyButtons(labels: () => { copy: string; copied: string }): Extension {
  return Extension.create({
    name: 'runbookCodeCopy',
    addProseMirrorPlugins() {
      return [
        new Plugin<DecorationSet>({
          key: codeCopyKey,
          state: {
            init: (_, state) => copyDecorations(state.doc, labels().copy, labels().copied),
            apply: (tr, old) =>
              tr.docChanged ? copyDecorations(tr.doc, labels().copy, labels().copied) : old
          },
          props: {
            decorations: (state) => codeCopyKey.getState(state)
          }
        })
      ];
    }
  });
}

/** A task as the `#` suggestion offers it. */
export interface TaskChoice extends SuggestionChoice {
  href: string;
}

/** Inserts `text` as a link to `href`, then a space outside the link. */
export function insertLink(editor: Editor, text: string, href: string): void {
  editor
    .chain()
    .focus()
    .insertContent([
      { type: 'text', text, marks: [{ type: 'link', attrs: { href } }] },
      { type: 'text', text: ' ' }
    ])
    .run();
}

/** `#` followed by a task key or title words offers matching open tasks; picking links it. */
export function taskLinkSuggestion(options: {
  items: (query: string) => TaskChoice[];
  emptyText: () => string;
  label: string;
}): Extension {
  return Extension.create({
    name: 'runbookTaskLink',
    addProseMirrorPlugins() {
      return [
        Suggestion<TaskChoice, TaskChoice>({
          editor: this.editor,
          char: '#',
          pluginKey: new PluginKey('runbookTaskLink'),
          items: ({ query }) => options.items(query),
          command: ({ editor, range, props }) => {
            editor.chain().focus().deleteRange(range).run();
            insertLink(editor, props.detail ?? props.label, props.href);
          },
          render: suggestionPopup<TaskChoice>({
            emptyText: options.emptyText,
            label: options.label,
            testId: 'task-suggest'
          })
        })
      ];
    }
  });
}
