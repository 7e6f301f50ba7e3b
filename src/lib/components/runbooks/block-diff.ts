/**
 * A block-level text diff for "compare with current": each top-level block (paragraph,
 * heading, list, table…) becomes one line of plain text, and a longest-common-subsequence
 * walk marks lines as kept, added or removed. Enough to see what a restore would change.
 */

/** A ProseMirror JSON node, as far as the diff reads it. */
export interface JsonNode {
  type?: string;
  text?: string;
  content?: JsonNode[];
}

/** One line of the comparison. */
export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

function nodeText(node: JsonNode): string {
  if (typeof node.text === 'string') return node.text;
  return (node.content ?? [])
    .map(nodeText)
    .join(node.type === 'paragraph' ? '' : ' ')
    .trim();
}

/** The top-level blocks of a document as plain text lines (empty blocks skipped). */
export function blockLines(doc: JsonNode): string[] {
  return (doc.content ?? []).map(nodeText).filter((line) => line.length > 0);
}

/** Lines of `before` and `after`, marked as removed (only in before) or added (only in after). */
export function diffBlocks(before: readonly string[], after: readonly string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  // lcs[i][j] = length of the longest common subsequence of before[i..] and after[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        before[i] === after[j]
          ? (lcs[i + 1]?.[j + 1] ?? 0) + 1
          : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      lines.push({ kind: 'same', text: before[i] as string });
      i++;
      j++;
    } else if (j < m && (i >= n || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      lines.push({ kind: 'added', text: after[j] as string });
      j++;
    } else {
      lines.push({ kind: 'removed', text: before[i] as string });
      i++;
    }
  }
  return lines;
}
