/**
 * Markdown for task descriptions and comments, without HTML injection: `marked` only lexes;
 * this module turns its tokens into a small tree of plain data that Svelte components render
 * as elements and text nodes (docs/design.md §4: nothing user-written is injected as HTML). Raw
 * HTML in the source becomes literal text, and a link keeps its href only when it is http(s),
 * mailto or relative — `javascript:`, `data:` and friends lose it and render as plain text.
 */
import { Lexer, type Token, type Tokens } from 'marked';

/** Inline content of a paragraph, heading, table cell or link. */
export type MdInline =
  | { type: 'text'; text: string }
  | { type: 'strong' | 'em' | 'del'; children: MdInline[] }
  | { type: 'code'; text: string }
  | { type: 'br' }
  /** `href` is null when the source's destination was not safe: then only the text shows. */
  | {
      type: 'link';
      href: string | null;
      external: boolean;
      title: string | null;
      children: MdInline[];
    };

/** One item of a list; `checked` is null for a plain (non task-list) item. */
export interface MdListItem {
  checked: boolean | null;
  children: MdBlock[];
}

/** Alignment of a table column. */
export type MdAlign = 'left' | 'center' | 'right' | null;

/** Block content. `text` is a tight list item's line, rendered without a paragraph. */
export type MdBlock =
  | { type: 'heading'; depth: 1 | 2 | 3 | 4 | 5 | 6; children: MdInline[] }
  | { type: 'paragraph' | 'text'; children: MdInline[] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'blockquote'; children: MdBlock[] }
  | { type: 'list'; ordered: boolean; start: number; items: MdListItem[] }
  | { type: 'table'; align: MdAlign[]; header: MdInline[][]; rows: MdInline[][][] }
  | { type: 'hr' }
  /** Raw HTML of the source, shown as literal text. */
  | { type: 'html'; text: string };

/** Deepest nesting rendered; deeper content is flattened to text so rendering stays bounded. */
const MAX_DEPTH = 24;

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
// Any base works for telling relative from absolute; `.invalid` can never resolve.
const RELATIVE_BASE = 'https://runboard.invalid/';

/**
 * The href to render for a link destination, or null when it must not become a link. Parsed
 * with the WHATWG URL parser, the same one the browser will use, so tricks such as
 * "java\tscript:" or leading control characters are judged as the browser would read them.
 * Relative destinations resolve against an https base and are kept.
 */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  if (trimmed === '') return null;
  let url: URL;
  try {
    url = new URL(trimmed, RELATIVE_BASE);
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? trimmed : null;
}

/** True when `href` leaves the app (absolute http(s)), so it opens in a new tab. */
export function isExternalHref(href: string): boolean {
  return /^https?:/i.test(href.trim()) || href.trim().startsWith('//');
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0'
};

/**
 * Resolves the character references `marked` leaves in text ("&amp;" → "&"). Safe because the
 * result is rendered as a text node, never parsed as HTML.
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (match, body: string) => {
    if (body.startsWith('#')) {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : +body.slice(1);
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? match;
  });
}

function inlineText(tokens: readonly Token[] | undefined): string {
  return (tokens ?? []).map((token) => ('text' in token ? String(token.text) : token.raw)).join('');
}

/** Converts inline tokens; adjacent text runs are merged. */
function toInline(tokens: readonly Token[] | undefined, depth: number): MdInline[] {
  const out: MdInline[] = [];
  const pushText = (text: string) => {
    const last = out[out.length - 1];
    if (last?.type === 'text') last.text += text;
    else out.push({ type: 'text', text });
  };
  for (const token of tokens ?? []) {
    if (depth > MAX_DEPTH) {
      pushText(token.raw);
      continue;
    }
    switch (token.type) {
      case 'strong':
      case 'em':
      case 'del':
        out.push({ type: token.type, children: toInline(token.tokens, depth + 1) });
        break;
      case 'codespan':
        out.push({ type: 'code', text: decodeEntities((token as Tokens.Codespan).text) });
        break;
      case 'br':
        out.push({ type: 'br' });
        break;
      case 'link': {
        const link = token as Tokens.Link;
        const href = safeHref(link.href);
        const children = link.autolink
          ? [{ type: 'text' as const, text: link.text }]
          : toInline(link.tokens, depth + 1);
        if (href === null) {
          // The link text stays; the dangerous destination is dropped.
          for (const child of children) {
            if (child.type === 'text') pushText(child.text);
            else out.push(child);
          }
        } else {
          out.push({
            type: 'link',
            href,
            external: isExternalHref(href),
            title: link.title ?? null,
            children
          });
        }
        break;
      }
      case 'image': {
        // Images become links to the image: no third-party request just by opening a task.
        const image = token as Tokens.Image;
        const href = safeHref(image.href);
        const alt = decodeEntities(image.text) || image.href;
        if (href === null) pushText(alt);
        else
          out.push({
            type: 'link',
            href,
            external: isExternalHref(href),
            title: image.title ?? null,
            children: [{ type: 'text', text: alt }]
          });
        break;
      }
      case 'html':
        // Raw HTML is shown as what it is: text.
        pushText(token.raw);
        break;
      case 'escape':
        pushText((token as Tokens.Escape).text);
        break;
      case 'text': {
        const text = token as Tokens.Text;
        if (text.tokens && text.tokens.length > 0) out.push(...toInline(text.tokens, depth + 1));
        else pushText(decodeEntities(text.text));
        break;
      }
      default:
        pushText(decodeEntities('text' in token ? String(token.text) : token.raw));
    }
  }
  return out;
}

function headingDepth(depth: number): 1 | 2 | 3 | 4 | 5 | 6 {
  return Math.min(6, Math.max(1, Math.round(depth))) as 1 | 2 | 3 | 4 | 5 | 6;
}

function toAlign(align: string | null | undefined): MdAlign {
  return align === 'left' || align === 'center' || align === 'right' ? align : null;
}

/** Converts block tokens; `space` and link definitions render nothing. */
function toBlocks(tokens: readonly Token[], depth: number): MdBlock[] {
  const out: MdBlock[] = [];
  for (const token of tokens) {
    if (depth > MAX_DEPTH) {
      out.push({ type: 'paragraph', children: [{ type: 'text', text: token.raw }] });
      continue;
    }
    switch (token.type) {
      case 'space':
      case 'def':
        break;
      case 'heading': {
        const heading = token as Tokens.Heading;
        out.push({
          type: 'heading',
          depth: headingDepth(heading.depth),
          children: toInline(heading.tokens, depth + 1)
        });
        break;
      }
      case 'paragraph':
        out.push({ type: 'paragraph', children: toInline(token.tokens, depth + 1) });
        break;
      case 'text': {
        // A tight list item's content: inline tokens when lexed, else the plain text.
        const text = token as Tokens.Text;
        const children = text.tokens
          ? toInline(text.tokens, depth + 1)
          : [{ type: 'text' as const, text: decodeEntities(text.text) }];
        out.push({ type: 'text', children });
        break;
      }
      case 'code': {
        const code = token as Tokens.Code;
        out.push({ type: 'code', lang: (code.lang ?? '').split(/\s/)[0] ?? '', text: code.text });
        break;
      }
      case 'blockquote':
        out.push({ type: 'blockquote', children: toBlocks(token.tokens ?? [], depth + 1) });
        break;
      case 'list': {
        const list = token as Tokens.List;
        out.push({
          type: 'list',
          ordered: list.ordered,
          start: typeof list.start === 'number' ? list.start : 1,
          items: list.items.map((item) => ({
            checked: item.task ? item.checked === true : null,
            // The checkbox is carried by `checked`; its token would only repeat "[ ] ".
            children: toBlocks(
              item.tokens.filter((child) => child.type !== 'checkbox'),
              depth + 1
            )
          }))
        });
        break;
      }
      case 'table': {
        const table = token as Tokens.Table;
        out.push({
          type: 'table',
          align: table.align.map(toAlign),
          header: table.header.map((cell) => toInline(cell.tokens, depth + 1)),
          rows: table.rows.map((row) => row.map((cell) => toInline(cell.tokens, depth + 1)))
        });
        break;
      }
      case 'hr':
        out.push({ type: 'hr' });
        break;
      case 'html':
        out.push({ type: 'html', text: token.raw.replace(/\n+$/, '') });
        break;
      default:
        out.push({
          type: 'paragraph',
          children: [
            {
              type: 'text',
              text: inlineText('tokens' in token ? token.tokens : undefined) || token.raw
            }
          ]
        });
    }
  }
  return out;
}

/** Parses Markdown (GitHub flavoured) into the safe block tree the renderer shows. */
export function parseMarkdown(source: string): MdBlock[] {
  const tokens = new Lexer({ gfm: true, breaks: false }).lex(source);
  return toBlocks(tokens, 0);
}
