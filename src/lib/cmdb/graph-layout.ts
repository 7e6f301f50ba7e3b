/**
 * The layered drawing of an item's neighbourhood on its page: what needs the item on the left
 * (depth 1 next to it, depth 2 further out), the item in the middle, what it needs on the right.
 * Each column is ordered to keep lines short (the outer columns by the mean position of the nodes
 * they link to in the inner ones) and capped, with a "+N more" marker for the rest. Plain
 * arithmetic over `CmdbGraph`, no layout library: five columns need no general graph layout.
 */
import type { CmdbGraph } from '$lib/shared/cmdb/cmdb-doc';
import type { CiItem } from '$lib/shared/cmdb/schema';

export const NODE_WIDTH = 176;
export const NODE_HEIGHT = 40;
const COLUMN_GAP = 64;
const ROW_GAP = 14;
const MARGIN = 8;

/** A drawn item, `column` from -2 (needs it, two steps) to 2 (it needs, two steps). */
export interface LaidNode {
  item: CiItem;
  column: number;
  x: number;
  y: number;
}

/** A drawn relation from the node that needs (`from`) to the node needed (`to`). */
export interface LaidEdge {
  from: string;
  to: string;
  path: string;
}

export interface GraphLayout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  /** Per column with hidden nodes: how many, and where the marker goes. */
  more: { column: number; count: number; x: number; y: number }[];
  width: number;
  height: number;
}

/** Lays out `centerId` with up to `depth` (1–2) steps each way, `maxPerColumn` nodes a column. */
export function layoutNeighbourhood(
  graph: CmdbGraph,
  centerId: string,
  lookup: (id: string) => CiItem | null,
  options: { depth?: number; maxPerColumn?: number } = {}
): GraphLayout {
  const depth = Math.min(2, Math.max(1, options.depth ?? 2));
  const maxPerColumn = options.maxPerColumn ?? 10;
  const center = lookup(centerId);
  if (center === null) return { nodes: [], edges: [], more: [], width: 0, height: 0 };

  const columns = new Map<number, CiItem[]>([[0, [center]]]);
  const hidden = new Map<number, number>();
  for (const [side, reached] of [
    [-1, graph.impact(centerId, depth)],
    [1, graph.needs(centerId, depth)]
  ] as const) {
    for (const { id, depth: distance } of reached) {
      const item = lookup(id);
      if (item === null) continue;
      const column = side * distance;
      const list = columns.get(column) ?? [];
      list.push(item);
      columns.set(column, list);
    }
  }

  // Inner columns by name, capped; outer columns by where their links sit in the inner ones.
  const rowOf = new Map<string, number>([[centerId, 0]]);
  const columnOf = new Map<string, number>([[centerId, 0]]);
  const placed = new Map<number, CiItem[]>([[0, [center]]]);
  for (const column of [-1, 1, -2, 2]) {
    const list = columns.get(column);
    if (!list || list.length === 0) continue;
    const inner = column > 0 ? column - 1 : column + 1;
    // The mean row of the nodes of the inner column this one links to (unlinked ones last).
    const score = (item: CiItem): number => {
      const linked = column > 0 ? graph.dependents(item.id) : graph.dependencies(item.id);
      let sum = 0;
      let count = 0;
      for (const other of linked) {
        const row = rowOf.get(other);
        if (row !== undefined && columnOf.get(other) === inner) {
          sum += row;
          count++;
        }
      }
      return count === 0 ? Number.MAX_SAFE_INTEGER : sum / count;
    };
    const ordered =
      Math.abs(column) === 1
        ? [...list].sort(byName)
        : [...list]
            .map((item) => ({ item, score: score(item) }))
            .sort((a, b) => a.score - b.score || byName(a.item, b.item))
            .map((entry) => entry.item);
    const shown = ordered.slice(0, maxPerColumn);
    if (ordered.length > shown.length) hidden.set(column, ordered.length - shown.length);
    shown.forEach((item, row) => {
      rowOf.set(item.id, row);
      columnOf.set(item.id, column);
    });
    placed.set(column, shown);
  }

  const usedColumns = [...placed.keys()].sort((a, b) => a - b);
  const minColumn = usedColumns[0] ?? 0;
  const rows = (column: number): number =>
    (placed.get(column)?.length ?? 0) + (hidden.has(column) ? 1 : 0);
  const tallest = Math.max(...usedColumns.map(rows));
  const height = MARGIN * 2 + tallest * NODE_HEIGHT + (tallest - 1) * ROW_GAP;
  const columnX = (column: number): number =>
    MARGIN + (column - minColumn) * (NODE_WIDTH + COLUMN_GAP);
  const top = (column: number): number => {
    const count = rows(column);
    return MARGIN + (height - MARGIN * 2 - (count * NODE_HEIGHT + (count - 1) * ROW_GAP)) / 2;
  };

  const nodes: LaidNode[] = [];
  const position = new Map<string, LaidNode>();
  for (const column of usedColumns) {
    const start = top(column);
    (placed.get(column) ?? []).forEach((item, row) => {
      const node = { item, column, x: columnX(column), y: start + row * (NODE_HEIGHT + ROW_GAP) };
      nodes.push(node);
      position.set(item.id, node);
    });
  }
  const more = [...hidden].map(([column, count]) => ({
    column,
    count,
    x: columnX(column),
    y: top(column) + (placed.get(column)?.length ?? 0) * (NODE_HEIGHT + ROW_GAP)
  }));

  const edges: LaidEdge[] = [];
  for (const node of nodes) {
    for (const need of graph.dependencies(node.item.id)) {
      const target = position.get(need);
      if (target === undefined) continue;
      edges.push({ from: node.item.id, to: need, path: edgePath(node, target) });
    }
  }
  const lastColumn = usedColumns[usedColumns.length - 1] ?? 0;
  const width = columnX(lastColumn) + NODE_WIDTH + MARGIN;
  return { nodes, edges, more, width, height };
}

function byName(a: CiItem, b: CiItem): number {
  return a.name.localeCompare(b.name);
}

/** A curve from the right side of `from` to the left side of `to` (the right side when stacked). */
function edgePath(from: LaidNode, to: LaidNode): string {
  const y1 = from.y + NODE_HEIGHT / 2;
  const y2 = to.y + NODE_HEIGHT / 2;
  if (from.column === to.column) {
    const x = from.x + NODE_WIDTH;
    return `M ${x} ${y1} C ${x + 36} ${y1}, ${x + 36} ${y2}, ${x} ${y2}`;
  }
  const forward = to.x > from.x;
  const x1 = forward ? from.x + NODE_WIDTH : from.x;
  const x2 = forward ? to.x : to.x + NODE_WIDTH;
  const bend = Math.max(24, Math.abs(x2 - x1) / 2);
  const c1 = forward ? x1 + bend : x1 - bend;
  const c2 = forward ? x2 - bend : x2 + bend;
  return `M ${x1} ${y1} C ${c1} ${y1}, ${c2} ${y2}, ${x2} ${y2}`;
}
