/**
 * Conversions of runbook content: Markdown (GFM) in and out, HTML out for printing, and the
 * bridge between tiptap JSON and the runbook's Y.XmlFragment.
 *
 * Everything goes through the schema of `runbookExtensions()`: parsed Markdown is normalised
 * against it (unknown nodes dropped, unsafe links unlinked, foreign images removed, missing
 * step ids filled) before it reaches a document, and the HTML writer emits only the tags of
 * that schema with escaped text — raw HTML in Markdown is kept as literal text, never as markup.
 */
import { getSchema, type JSONContent } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import { MarkdownManager } from '@tiptap/markdown';
import {
  prosemirrorJSONToYXmlFragment,
  yXmlFragmentToProseMirrorRootNode,
  yXmlFragmentToProsemirrorJSON
} from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { emptyRunbookContent, generateStepId, runbookExtensions } from './editor-extensions';
import { runbookContent } from './runbook-model';
import { isAllowedImageSrc, isSafeLinkHref } from './url-policy';
import {
  JOB_RUN_FENCE,
  JOB_RUN_NODE,
  generateBlockId,
  jobRunAttrs,
  jobRunFromCode,
  jobRunText,
  serialisePresets
} from './job-run-node';

let cachedSchema: Schema | null = null;
let cachedManager: MarkdownManager | null = null;

/** The ProseMirror schema of runbook content (built once). */
export function runbookSchema(): Schema {
  cachedSchema ??= getSchema(runbookExtensions());
  return cachedSchema;
}

function markdownManager(): MarkdownManager {
  cachedManager ??= new MarkdownManager({ extensions: runbookExtensions() });
  return cachedManager;
}

const ALERT_MARKER = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)/i;

/** Turns a blockquote that starts with a GitHub alert marker into a callout. */
function blockquoteToCallout(node: JSONContent): JSONContent {
  const [first, ...rest] = node.content ?? [];
  const firstText = first?.type === 'paragraph' ? first.content?.[0] : undefined;
  if (firstText?.type !== 'text' || typeof firstText.text !== 'string') return node;
  const match = ALERT_MARKER.exec(firstText.text);
  if (!match || !first) return node;
  const kind = (match[1] ?? '').toUpperCase();
  const variant = kind === 'WARNING' || kind === 'CAUTION' ? 'warning' : 'info';
  const remaining = firstText.text.slice(match[0].length);
  const inline = [
    ...(remaining.length > 0 ? [{ ...firstText, text: remaining }] : []),
    ...(first.content ?? []).slice(1)
  ];
  // A hard break right after the marker line is the marker's own line end.
  while (inline[0]?.type === 'hardBreak') inline.shift();
  const blocks = [...(inline.length > 0 ? [{ ...first, content: inline }] : []), ...rest];
  return {
    type: 'callout',
    attrs: { variant },
    content: blocks.length > 0 ? blocks : [{ type: 'paragraph' }]
  };
}

interface NormaliseState {
  schema: Schema;
  stepIds: Set<string>;
  blockIds: Set<string>;
}

/** Keeps only what the schema knows and the URL policy allows; fills and de-duplicates step ids. */
function normaliseNode(node: JSONContent, state: NormaliseState): JSONContent[] {
  const type = node.type;
  if (typeof type !== 'string' || !(type in state.schema.nodes)) {
    // An unknown wrapper loses itself but keeps its children (their text is still content).
    return (node.content ?? []).flatMap((child) => normaliseNode(child, state));
  }
  if (type === 'image') {
    const src = node.attrs?.src;
    return typeof src === 'string' && isAllowedImageSrc(src) ? [node] : [];
  }
  let current = type === 'blockquote' ? blockquoteToCallout(node) : node;
  if (current.type === 'taskItem') {
    const stepId: unknown = current.attrs?.stepId;
    const id =
      typeof stepId === 'string' && stepId.length > 0 && !state.stepIds.has(stepId)
        ? stepId
        : generateStepId();
    state.stepIds.add(id);
    current = { ...current, attrs: { ...current.attrs, stepId: id } };
  }
  if (current.type === JOB_RUN_NODE) {
    const attrs = jobRunAttrs(current.attrs);
    const id =
      attrs.blockId !== null && !state.blockIds.has(attrs.blockId)
        ? attrs.blockId
        : generateBlockId();
    state.blockIds.add(id);
    return [
      {
        type: JOB_RUN_NODE,
        attrs: { ...attrs, blockId: id, parameters: serialisePresets(attrs.parameters) }
      }
    ];
  }
  const result: JSONContent = { ...current };
  if (current.marks) {
    result.marks = current.marks.filter((mark) => {
      if (!(mark.type in state.schema.marks)) return false;
      if (mark.type !== 'link') return true;
      const href: unknown = mark.attrs?.href;
      return typeof href === 'string' && isSafeLinkHref(href);
    });
    if (result.marks.length === 0) delete result.marks;
  }
  if (current.content) {
    result.content = current.content.flatMap((child) => normaliseNode(child, state));
  }
  return [result];
}

/**
 * Normalises tiptap JSON against the runbook schema and URL policy and returns the checked
 * document. Throws when the result still does not fit the schema.
 */
export function normaliseDoc(json: JSONContent): JSONContent {
  const schema = runbookSchema();
  const state: NormaliseState = { schema, stepIds: new Set(), blockIds: new Set() };
  const content = (json.type === 'doc' ? (json.content ?? []) : [json]).flatMap((child) =>
    normaliseNode(child, state)
  );
  const doc = { type: 'doc', content: content.length > 0 ? content : [{ type: 'paragraph' }] };
  const node = schema.nodeFromJSON(doc);
  node.check();
  return node.toJSON() as JSONContent;
}

/** Fenced `runboard-job` code blocks (the Markdown form of "run job" blocks) as those blocks. */
function fencedJobRuns(node: JSONContent): JSONContent {
  if (node.type === 'codeBlock' && node.attrs?.language === JOB_RUN_FENCE) {
    const code = (node.content ?? []).map((child) => child.text ?? '').join('');
    return jobRunFromCode(code) ?? node;
  }
  return node.content ? { ...node, content: node.content.map(fencedJobRuns) } : node;
}

/** Parses GFM Markdown into runbook content (schema-normalised; raw HTML stays literal text). */
export function markdownToDoc(markdown: string): JSONContent {
  const parsed =
    markdown.trim().length === 0 ? emptyRunbookContent() : markdownManager().parse(markdown);
  return normaliseDoc(fencedJobRuns(parsed));
}

/** Writes runbook content as GFM Markdown (callouts as GitHub alerts). */
export function docToMarkdown(json: JSONContent): string {
  const text = markdownManager().serialize(normaliseDoc(json));
  return text.endsWith('\n') ? text : `${text}\n`;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
};

/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function attr(name: string, value: string): string {
  return ` ${name}="${escapeHtml(value)}"`;
}

function renderMarks(node: JSONContent, inner: string): string {
  let html = inner;
  for (const mark of [...(node.marks ?? [])].reverse()) {
    switch (mark.type) {
      case 'bold':
        html = `<strong>${html}</strong>`;
        break;
      case 'italic':
        html = `<em>${html}</em>`;
        break;
      case 'strike':
        html = `<s>${html}</s>`;
        break;
      case 'underline':
        html = `<u>${html}</u>`;
        break;
      case 'code':
        html = `<code>${html}</code>`;
        break;
      case 'link': {
        const href: unknown = mark.attrs?.href;
        if (typeof href === 'string' && isSafeLinkHref(href)) {
          html = `<a${attr('href', href)} rel="noopener noreferrer nofollow">${html}</a>`;
        }
        break;
      }
    }
  }
  return html;
}

function renderNodes(nodes: readonly JSONContent[] | undefined): string {
  return (nodes ?? []).map(renderNode).join('');
}

function renderNode(node: JSONContent): string {
  const inner = (): string => renderNodes(node.content);
  switch (node.type) {
    case 'text':
      return renderMarks(node, escapeHtml(node.text ?? ''));
    case 'paragraph':
      return `<p>${inner()}</p>\n`;
    case 'heading': {
      const level = Math.min(6, Math.max(1, Number(node.attrs?.level) || 1));
      return `<h${level}>${inner()}</h${level}>\n`;
    }
    case 'bulletList':
      return `<ul>\n${inner()}</ul>\n`;
    case 'orderedList': {
      const start = Number(node.attrs?.start);
      const startAttr = Number.isInteger(start) && start !== 1 ? attr('start', String(start)) : '';
      return `<ol${startAttr}>\n${inner()}</ol>\n`;
    }
    case 'listItem':
      return `<li>${inner()}</li>\n`;
    case 'taskList':
      return `<ul class="task-list">\n${inner()}</ul>\n`;
    case 'taskItem': {
      const checked = node.attrs?.checked === true;
      return `<li class="task-item"><input type="checkbox" disabled${checked ? ' checked' : ''}> ${inner()}</li>\n`;
    }
    case 'codeBlock': {
      const language: unknown = node.attrs?.language;
      const cls =
        typeof language === 'string' && /^[\w+#.-]{1,40}$/.test(language)
          ? attr('class', `language-${language}`)
          : '';
      return `<pre><code${cls}>${inner()}</code></pre>\n`;
    }
    case 'blockquote':
      return `<blockquote>\n${inner()}</blockquote>\n`;
    case 'callout': {
      const variant = node.attrs?.variant === 'warning' ? 'warning' : 'info';
      return `<aside data-callout="${variant}">\n${inner()}</aside>\n`;
    }
    case JOB_RUN_NODE: {
      const attrs = jobRunAttrs(node.attrs);
      const job = attrs.jobId === null ? '' : attr('data-job-id', attrs.jobId);
      return `<div class="job-run"${job}>▶ ${escapeHtml(jobRunText(attrs))}</div>\n`;
    }
    case 'horizontalRule':
      return '<hr>\n';
    case 'hardBreak':
      return '<br>';
    case 'image': {
      const src: unknown = node.attrs?.src;
      if (typeof src !== 'string' || !isAllowedImageSrc(src)) return '';
      const alt = typeof node.attrs?.alt === 'string' ? node.attrs.alt : '';
      return `<img${attr('src', src)}${attr('alt', alt)}>\n`;
    }
    case 'mention': {
      const label: unknown = node.attrs?.label ?? node.attrs?.id;
      return `<span class="mention">@${escapeHtml(String(label ?? ''))}</span>`;
    }
    case 'table':
      return `<table>\n${inner()}</table>\n`;
    case 'tableRow':
      return `<tr>${inner()}</tr>\n`;
    case 'tableHeader':
      return `<th>${inner()}</th>`;
    case 'tableCell':
      return `<td>${inner()}</td>`;
    case 'doc':
      return inner();
    default:
      // Not in the schema: keep the text, drop the element.
      return inner();
  }
}

/** Renders runbook content as an HTML fragment: schema tags only, all text escaped. */
export function docToHtml(json: JSONContent): string {
  return renderNode(normaliseDoc(json));
}

const PRINT_CSS = `body{font:15px/1.55 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111}
pre{background:#f4f4f5;padding:.75rem;overflow-x:auto;white-space:pre-wrap}code{font-family:ui-monospace,monospace}
table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
aside{border-left:4px solid #3b82f6;background:#eff6ff;padding:.25rem 1rem;margin:1rem 0}
aside[data-callout=warning]{border-color:#d97706;background:#fffbeb}
ul.task-list{list-style:none;padding-left:1rem}img{max-width:100%}
@media print{body{margin:0}a{color:inherit}}`;

/** A complete printable HTML page of a runbook (no scripts; a CSP forbids them anyway). */
export function docToHtmlDocument(title: string, json: JSONContent, lang = 'en'): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' https:; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${PRINT_CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${docToHtml(json)}</body>
</html>
`;
}

/**
 * Sets the runbook content to `json` (normalised first). Applied as a diff against the current
 * fragment, so it is one ordinary change that merges with concurrent edits.
 */
export function fillFragment(doc: Y.Doc, json: JSONContent, origin?: unknown): void {
  doc.transact(() => fillXmlFragment(runbookContent(doc), json), origin);
}

/** Sets any rich-text fragment to `json` (normalised first), as a diff (a change's plans). */
export function fillXmlFragment(fragment: Y.XmlFragment, json: JSONContent): void {
  prosemirrorJSONToYXmlFragment(runbookSchema(), normaliseDoc(json), fragment);
}

/** The runbook content as tiptap JSON. */
export function fragmentToJson(doc: Y.Doc): JSONContent {
  return xmlFragmentToJson(runbookContent(doc));
}

/** Any rich-text fragment as tiptap JSON (empty content when it is empty). */
export function xmlFragmentToJson(fragment: Y.XmlFragment): JSONContent {
  if (fragment.length === 0) return emptyRunbookContent();
  try {
    return yXmlFragmentToProseMirrorRootNode(fragment, runbookSchema()).toJSON() as JSONContent;
  } catch {
    // A client wrote something the schema cannot hold; keep what it can.
    return normaliseDoc(yXmlFragmentToProsemirrorJSON(fragment) as JSONContent);
  }
}
