/**
 * THE tiptap extension list of runbooks, used by the browser editor and by the server (Markdown
 * and HTML conversion, the ProseMirror schema for Yjs). One list means one schema: whatever the
 * schema cannot represent — `<script>`, `on*` handlers, `javascript:` links, foreign images —
 * is dropped on paste, import and render alike.
 *
 * Importable in Node: nothing here touches the DOM at import time.
 */
import {
  Node,
  mergeAttributes,
  type AnyExtension,
  type JSONContent,
  type MarkdownRendererHelpers,
  type NodeViewRenderer
} from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { Node as PmNode } from '@tiptap/pm/model';
import StarterKit from '@tiptap/starter-kit';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { TableKit } from '@tiptap/extension-table';
import Image from '@tiptap/extension-image';
import Mention from '@tiptap/extension-mention';
import type { SuggestionOptions } from '@tiptap/suggestion';
import { Placeholder } from '@tiptap/extensions';
import { Collaboration } from '@tiptap/extension-collaboration';
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { isAllowedImageSrc, isSafeLinkHref, LINK_PROTOCOLS } from './url-policy';
import { JobRun } from './job-run-node';

/** The name of the Y.XmlFragment that holds runbook content (`doc.getXmlFragment(...)`). */
export const RUNBOOK_CONTENT_FIELD = 'content';

export const CALLOUT_VARIANTS = ['info', 'warning'] as const;
export type CalloutVariant = (typeof CALLOUT_VARIANTS)[number];

export interface RunbookExtensionOptions {
  /** Placeholder text of an empty document (browser only). */
  placeholder?: string;
  /** Suggestion options for `@` mentions of members (items and renderer, browser only). */
  mentionSuggestion?: Partial<SuggestionOptions>;
  /** Binds the editor to the runbook document (browser only). */
  collaboration?: {
    document: Y.Doc;
    /** A provider with `awareness` (y-websocket) to show other people's carets. */
    provider?: unknown;
    user?: { name: string; color: string };
  };
  /**
   * The screen-reader label of a step's checkbox, from the step's text (browser only; the
   * UI passes a translated one, since tiptap's default is English).
   */
  stepCheckboxLabel?: (text: string, checked: boolean) => string;
  /** The interactive view of "run job" blocks (browser only; job-run-node.ts). */
  jobRunView?: NodeViewRenderer;
}

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    callout: {
      /** Wraps the selection in a callout, or unwraps it when already in one. */
      toggleCallout: (attributes?: { variant?: CalloutVariant }) => ReturnType;
      /** Changes the variant of the callout around the selection. */
      setCalloutVariant: (variant: CalloutVariant) => ReturnType;
    };
  }
}

function calloutVariant(value: unknown): CalloutVariant {
  return value === 'warning' ? 'warning' : 'info';
}

/** A highlighted block (`<aside data-callout="info|warning">`), Markdown `> [!NOTE]`/`[!WARNING]`. */
export const Callout = Node.create({
  name: 'callout',
  group: 'block',
  content: 'block+',
  defining: true,

  addAttributes() {
    return {
      variant: {
        default: 'info',
        parseHTML: (element) => calloutVariant(element.getAttribute('data-callout')),
        renderHTML: (attributes) => ({ 'data-callout': calloutVariant(attributes.variant) })
      }
    };
  },

  parseHTML() {
    return [{ tag: 'aside[data-callout]' }];
  },

  renderHTML({ HTMLAttributes }) {
    return ['aside', mergeAttributes({ class: 'callout' }, HTMLAttributes), 0];
  },

  // GitHub alert syntax: `> [!NOTE]` / `> [!WARNING]` and the quoted blocks after it. Parsing
  // happens in markdown.ts (a blockquote whose first line is the marker becomes a callout).
  renderMarkdown: (node: JSONContent, helpers: MarkdownRendererHelpers) => {
    const marker = calloutVariant(node.attrs?.variant) === 'warning' ? '[!WARNING]' : '[!NOTE]';
    const body = (node.content ?? [])
      .map((child) => helpers.renderChildren([child]))
      .join('\n\n')
      .split('\n')
      .map((line) => (line.trim() === '' ? '>' : `> ${line}`));
    return [`> ${marker}`, ...body].join('\n');
  },

  addCommands() {
    return {
      toggleCallout:
        (attributes) =>
        ({ commands }) =>
          commands.toggleWrap(this.name, { variant: calloutVariant(attributes?.variant) }),
      setCalloutVariant:
        (variant) =>
        ({ commands }) =>
          commands.updateAttributes(this.name, { variant: calloutVariant(variant) })
    };
  }
});

const STEP_ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random step id (12 base-36 characters). */
export function generateStepId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const byte of bytes) id += STEP_ID_ALPHABET.charAt(byte % 36);
  return id;
}

const stepIdPluginKey = new PluginKey('runbookStepIds');

/**
 * A checkable step. Every item carries a `stepId` that run mode keys its progress by; items
 * created, pasted or imported without one (or with a copy of another item's id) get a fresh id.
 */
export const RunbookTaskItem = TaskItem.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      stepId: {
        default: null,
        keepOnSplit: false,
        parseHTML: (element) => element.getAttribute('data-step-id'),
        renderHTML: (attributes) =>
          typeof attributes.stepId === 'string' ? { 'data-step-id': attributes.stepId } : {}
      }
    };
  },

  addProseMirrorPlugins() {
    const type = this.name;
    return [
      ...(this.parent?.() ?? []),
      new Plugin({
        key: stepIdPluginKey,
        appendTransaction(transactions, _old, state) {
          if (!transactions.some((tr) => tr.docChanged)) return null;
          // Remote changes arrive through y-sync; the peer that made them assigns ids, and
          // assigning them here too would make every replica race to rewrite the same item.
          if (transactions.some((tr) => tr.getMeta(ySyncPluginKey) !== undefined)) return null;
          const seen = new Set<string>();
          const fixes: Array<{ pos: number; node: PmNode }> = [];
          state.doc.descendants((node, pos) => {
            if (node.type.name !== type) return true;
            const id: unknown = node.attrs.stepId;
            if (typeof id !== 'string' || id.length === 0 || seen.has(id)) {
              fixes.push({ pos, node });
            } else {
              seen.add(id);
            }
            return true;
          });
          if (fixes.length === 0) return null;
          const tr = state.tr;
          for (const { pos, node } of fixes) {
            tr.setNodeMarkup(pos, undefined, { ...node.attrs, stepId: generateStepId() });
          }
          return tr.setMeta('addToHistory', false);
        }
      })
    ];
  }
}).configure({ nested: true });

/** Images restricted to files stored by this server and https URLs. */
export const RunbookImage = Image.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      src: {
        default: null,
        parseHTML: (element) => {
          const src = element.getAttribute('src');
          return src !== null && isAllowedImageSrc(src) ? src : null;
        },
        renderHTML: (attributes) =>
          typeof attributes.src === 'string' && isAllowedImageSrc(attributes.src)
            ? { src: attributes.src }
            : {}
      }
    };
  },
  parseHTML() {
    return [
      {
        tag: 'img[src]',
        getAttrs: (element) => {
          const src = element.getAttribute('src');
          return src !== null && isAllowedImageSrc(src) ? null : false;
        }
      }
    ];
  }
}).configure({ inline: false, allowBase64: false });

/** A mention of a member; `id` is the member id, `label` the name shown. */
function mentionExtension(suggestion: Partial<SuggestionOptions> | undefined): AnyExtension {
  return Mention.configure({
    HTMLAttributes: { class: 'mention' },
    ...(suggestion ? { suggestion } : {}),
    renderText: ({ node }) => `@${String(node.attrs.label ?? node.attrs.id ?? '')}`
  });
}

/** The runbook extension list: the one schema of runbook content. */
export function runbookExtensions(options: RunbookExtensionOptions = {}): AnyExtension[] {
  const label = options.stepCheckboxLabel;
  const extensions: AnyExtension[] = [
    StarterKit.configure({
      // Collaboration brings its own (Yjs) undo manager; two histories would fight.
      undoRedo: false,
      link: {
        openOnClick: false,
        autolink: true,
        protocols: [...LINK_PROTOCOLS],
        defaultProtocol: 'https',
        isAllowedUri: (url) => isSafeLinkHref(url),
        shouldAutoLink: (url) => isSafeLinkHref(url),
        HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: null }
      },
      codeBlock: { defaultLanguage: null, HTMLAttributes: { spellcheck: 'false' } }
    }),
    TaskList,
    label === undefined
      ? RunbookTaskItem
      : RunbookTaskItem.configure({
          nested: true,
          a11y: { checkboxLabel: (node, checked) => label(node.textContent, checked) }
        }),
    TableKit.configure({ table: { resizable: false } }),
    RunbookImage,
    Callout,
    options.jobRunView === undefined ? JobRun : JobRun.configure({ view: options.jobRunView }),
    mentionExtension(options.mentionSuggestion)
  ];
  if (options.placeholder !== undefined) {
    extensions.push(Placeholder.configure({ placeholder: options.placeholder }));
  }
  if (options.collaboration) {
    const { document, provider, user } = options.collaboration;
    extensions.push(Collaboration.configure({ document, field: RUNBOOK_CONTENT_FIELD }));
    if (provider !== undefined) {
      extensions.push(CollaborationCaret.configure({ provider, user }));
    }
  }
  return extensions;
}

/** An empty runbook document. */
export function emptyRunbookContent(): JSONContent {
  return { type: 'doc', content: [{ type: 'paragraph' }] };
}
