/**
 * The outline of a runbook's content: its headings in document order, for the side panel's
 * "Contents" (a 50-page runbook is read by jumping to the section at hand). Headings are
 * top-level blocks, so one pass over the top level finds them all.
 */
import type { Node as PmNode } from '@tiptap/pm/model';

/** One heading of a runbook. */
export interface OutlineEntry {
  /** 1–3. */
  level: number;
  text: string;
  /** Position of the heading node in the document (for `nodeDOM`). */
  pos: number;
}

/** The headings of `doc` with text, in order; the first entry is skipped when it repeats `title`. */
export function runbookOutline(doc: PmNode, title?: string): OutlineEntry[] {
  const entries: OutlineEntry[] = [];
  doc.forEach((node, offset) => {
    if (node.type.name !== 'heading') return;
    const text = node.textContent.trim();
    if (text === '') return;
    const level = Number(node.attrs.level);
    entries.push({ level: Number.isInteger(level) ? level : 1, text, pos: offset });
  });
  // Most runbooks open with a heading that is their title, already shown above.
  if (title !== undefined && entries[0]?.text === title.trim()) entries.shift();
  return entries;
}
