/**
 * The "run job" block of runbooks (`jobRun`): an atom block naming an automation job, the
 * parameter values preset for it and a label. In run mode the browser shows a Run button, the
 * live output and the result (components/automation/JobRunBlock.svelte); everywhere else it is
 * plain data, part of the one runbook schema (editor-extensions.ts), so the server converts it
 * like any other block.
 *
 * Each block carries a `blockId`: runs started from it are recorded with it (`runbookBlock`), so
 * every reader finds "the latest run of this block". Ids are filled in when missing and renewed
 * when two blocks share one (a paste of a copy), like the step ids of task items.
 *
 * Markdown: a fenced block with the info string `runboard-job` whose body is the block's JSON
 * (`{ "jobId", "blockId", "label", "parameters" }`), so an export reads as what it is and an
 * import brings the block back (markdown.ts turns such code blocks into `jobRun` nodes).
 *
 * Importable in Node: nothing here touches the DOM at import time.
 */
import { Node, type JSONContent, type NodeViewRenderer } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import type { Node as PmNode } from '@tiptap/pm/model';
import { ySyncPluginKey } from '@tiptap/y-tiptap';
import { z } from 'zod';

/** The node's type name in the schema. */
export const JOB_RUN_NODE = 'jobRun';
/** The info string of its fenced Markdown form. */
export const JOB_RUN_FENCE = 'runboard-job';

const parameterValueSchema = z.union([z.string().max(10_000), z.number(), z.boolean()]);
/** Preset parameter values of a block, by parameter name. */
export type JobRunParameters = Record<string, string | number | boolean>;

const presetSchema = z.record(z.string().max(64), parameterValueSchema);

/** The attributes of a `jobRun` node, as code reads them (normalised). */
export interface JobRunAttrs {
  jobId: string | null;
  blockId: string | null;
  /** Preset values, by parameter name. */
  parameters: JobRunParameters;
  label: string;
}

/** The JSON body of the fenced Markdown form. */
const fenceBodySchema = z.object({
  jobId: z.string().max(100).nullable().optional(),
  blockId: z.string().max(100).nullable().optional(),
  label: z.string().max(500).optional(),
  parameters: presetSchema.optional()
});

/** Block ids (12 base-36 characters, like step ids). */
export function generateBlockId(): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const byte of bytes) id += alphabet.charAt(byte % 36);
  return id;
}

/**
 * The presets stored in the `parameters` attribute: a JSON object text (Yjs attributes stay
 * plain strings), read leniently — anything that is not an object of values is no presets.
 */
export function parsePresets(raw: unknown): JobRunParameters {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = raw.trim() === '' ? {} : JSON.parse(raw);
    } catch {
      return {};
    }
  }
  const parsed = presetSchema.safeParse(value);
  return parsed.success ? parsed.data : {};
}

/** Presets as the attribute stores them. */
export function serialisePresets(values: JobRunParameters): string {
  return JSON.stringify(values);
}

function text(value: unknown, max: number): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, max) : null;
}

/** The attributes of a `jobRun` node (or its JSON attrs), normalised. */
export function jobRunAttrs(attrs: Record<string, unknown> | undefined | null): JobRunAttrs {
  return {
    jobId: text(attrs?.jobId, 100),
    blockId: text(attrs?.blockId, 100),
    parameters: parsePresets(attrs?.parameters),
    label: text(attrs?.label, 500) ?? ''
  };
}

/** The fenced Markdown of a block. Backticks in values are escaped so they cannot close it. */
export function jobRunToMarkdown(attrs: JobRunAttrs): string {
  const body = JSON.stringify(
    {
      jobId: attrs.jobId,
      blockId: attrs.blockId,
      label: attrs.label,
      parameters: attrs.parameters
    },
    null,
    2
  ).replace(/`/g, '\\u0060');
  return `\`\`\`${JOB_RUN_FENCE}\n${body}\n\`\`\``;
}

/**
 * The `jobRun` node a fenced `runboard-job` code block stands for, or null when its body is not
 * such JSON (then it stays a code block: nothing typed is lost).
 */
export function jobRunFromCode(code: string): JSONContent | null {
  let value: unknown;
  try {
    value = JSON.parse(code);
  } catch {
    return null;
  }
  const parsed = fenceBodySchema.safeParse(value);
  if (!parsed.success) return null;
  return {
    type: JOB_RUN_NODE,
    attrs: {
      jobId: parsed.data.jobId ?? null,
      blockId: parsed.data.blockId ?? null,
      label: parsed.data.label ?? '',
      parameters: serialisePresets(parsed.data.parameters ?? {})
    }
  };
}

/** The text of the block in plain renderings (printing, search). */
export function jobRunText(attrs: JobRunAttrs): string {
  return attrs.label !== '' ? attrs.label : (attrs.jobId ?? '');
}

export interface JobRunOptions {
  /** The browser's interactive view of the block (edit form, Run button, output). */
  view: NodeViewRenderer | null;
}

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    jobRun: {
      /** Inserts a "run job" block at the selection (a fresh block id). */
      insertJobRun: (attrs?: { jobId?: string | null; label?: string }) => ReturnType;
    };
  }
}

const blockIdPluginKey = new PluginKey('runbookJobBlockIds');

/** The "run job" block. */
export const JobRun = Node.create<JobRunOptions>({
  name: JOB_RUN_NODE,
  group: 'block',
  atom: true,
  selectable: true,
  draggable: true,

  addOptions() {
    return { view: null };
  },

  addAttributes() {
    return {
      jobId: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-job-id'),
        renderHTML: (attributes) =>
          typeof attributes.jobId === 'string' ? { 'data-job-id': attributes.jobId } : {}
      },
      blockId: {
        default: null,
        parseHTML: (element) => element.getAttribute('data-block-id'),
        renderHTML: (attributes) =>
          typeof attributes.blockId === 'string' ? { 'data-block-id': attributes.blockId } : {}
      },
      parameters: {
        default: '{}',
        parseHTML: (element) =>
          serialisePresets(parsePresets(element.getAttribute('data-parameters'))),
        renderHTML: (attributes) => ({
          'data-parameters': serialisePresets(parsePresets(attributes.parameters))
        })
      },
      label: {
        default: '',
        parseHTML: (element) => element.getAttribute('data-label') ?? '',
        renderHTML: (attributes) =>
          typeof attributes.label === 'string' && attributes.label !== ''
            ? { 'data-label': attributes.label }
            : {}
      }
    };
  },

  parseHTML() {
    return [{ tag: 'div[data-job-run]' }];
  },

  renderHTML({ node, HTMLAttributes }) {
    return [
      'div',
      { ...HTMLAttributes, 'data-job-run': '', class: 'job-run' },
      jobRunText(jobRunAttrs(node.attrs))
    ];
  },

  renderText({ node }) {
    return jobRunText(jobRunAttrs(node.attrs));
  },

  renderMarkdown: (node: JSONContent) => jobRunToMarkdown(jobRunAttrs(node.attrs)),

  addNodeView() {
    return this.options.view;
  },

  addCommands() {
    return {
      insertJobRun:
        (attrs) =>
        ({ commands }) =>
          commands.insertContent({
            type: this.name,
            attrs: {
              jobId: attrs?.jobId ?? null,
              label: attrs?.label ?? '',
              blockId: generateBlockId(),
              parameters: '{}'
            }
          })
    };
  },

  addProseMirrorPlugins() {
    return [blockIdPlugin(this.name)];
  }
});

/**
 * Gives every "run job" block of type `type` a block id: when missing, and when a copy shares
 * one (the block that was there before keeps it, so its runs stay attached).
 */
export function blockIdPlugin(type: string): Plugin {
  return new Plugin({
    key: blockIdPluginKey,
    appendTransaction(transactions, old, state) {
      if (!transactions.some((tr) => tr.docChanged)) return null;
      // The peer that made a remote change assigns its ids (see RunbookTaskItem).
      if (transactions.some((tr) => tr.getMeta(ySyncPluginKey) !== undefined)) return null;
      // Where each block that was already there is now: when a copy is pasted, the block
      // that was there keeps its id (its runs stay attached) and the copy gets a new one.
      const kept = new Map<string, number>();
      old.doc.descendants((node, pos) => {
        if (node.type.name !== type) return !node.isTextblock;
        const id: unknown = node.attrs.blockId;
        if (typeof id !== 'string' || id === '') return false;
        let mapped: number | null = pos;
        for (const tr of transactions) {
          if (mapped === null) break;
          const result = tr.mapping.mapResult(mapped, 1);
          mapped = result.deleted ? null : result.pos;
        }
        if (mapped !== null) kept.set(id, mapped);
        return false;
      });
      const blocks: Array<{ pos: number; node: PmNode; id: string | null }> = [];
      state.doc.descendants((node, pos) => {
        if (node.type.name !== type) return !node.isTextblock;
        const id: unknown = node.attrs.blockId;
        blocks.push({ pos, node, id: typeof id === 'string' && id !== '' ? id : null });
        return false;
      });
      const owner = new Map<string, number>();
      for (const block of blocks) {
        if (block.id === null) continue;
        const current = owner.get(block.id);
        if (current === undefined || kept.get(block.id) === block.pos) {
          owner.set(block.id, block.pos);
        }
      }
      const fixes = blocks.filter(
        (block) => block.id === null || owner.get(block.id) !== block.pos
      );
      if (fixes.length === 0) return null;
      const tr = state.tr;
      for (const { pos, node } of fixes) {
        tr.setNodeMarkup(pos, undefined, { ...node.attrs, blockId: generateBlockId() });
      }
      return tr.setMeta('addToHistory', false);
    }
  });
}
