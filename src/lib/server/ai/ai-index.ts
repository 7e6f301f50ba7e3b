/**
 * One workspace's vectors in memory, for `ai/similar` (docs/ai.md, "Search").
 *
 * The vectors are compiled into one contiguous structure and searched exhaustively (no
 * approximate index: exact top-k, no recall lost):
 * - sparse vectors (the lexical embedder's) into an inverted index: for each dimension, the
 *   items that have it and their weights, in two flat typed arrays. A query walks only the
 *   posting lists of its own non-zero dimensions, accumulating into one Float32Array of scores;
 *   100,000 items answer in a few milliseconds. A dense 100,000 × 8192 matrix would be 3 GB;
 * - dense vectors (a neural model's) into one Float32Array matrix, a dot product per row.
 * With `weighting: 'idf'` the compiled weights are multiplied by a smoothed inverse document
 * frequency from the index itself, `ln((N + 1) / (df + 1)) + 1`, and re-normalised, and so is
 * the query: common words (and hash buckets) count less.
 *
 * Items changed since the last compile are searched one by one beside it (and their stale
 * compiled copies skipped); the index is compiled again when those grow past a share of it.
 *
 * The sparse walk goes one block of 8192 slots at a time (32 KB of scores, a first-level cache)
 * instead of scattering into one array of 400 KB at 100,000 items; each slot's score is summed
 * in the same order as before, so the scores are the same to the bit. Every score is the dot
 * product of the weighted item and the weighted query; tests/unit/ai-index.test.ts compares the
 * top k with a brute-force reference.
 */
import type { IndexVector } from './vector-codec';

export type AiItemType = 'task' | 'incident' | 'runbook' | 'ci';
export type AiItemStatus = 'open' | 'done' | 'archived';

/** One indexed item and what a result shows of it. */
export interface IndexedItem {
  type: AiItemType;
  id: string;
  /** The task key (OPS-12), when it has one. */
  itemKey: string | null;
  title: string;
  status: AiItemStatus;
  finishedAt: string | null;
  vector: IndexVector;
}

export interface SearchHit {
  item: IndexedItem;
  score: number;
}

/** The map key of an item. */
export function itemKeyOf(item: Pick<IndexedItem, 'type' | 'id'>): string {
  return `${item.type}:${item.id}`;
}

interface Compiled {
  slots: IndexedItem[];
  /** Slot of each compiled key. */
  slotOf: Map<string, number>;
  /** 1 for slots whose item changed or left since the compile. */
  staleSlots: Uint8Array;
  dimensions: number;
  /** Per dimension, with `idf` weighting; all ones otherwise. */
  idf: Float32Array;
  /** Sparse: postings of dimension d are [offsets[d], offsets[d + 1]). */
  offsets: Uint32Array | null;
  postSlot: Uint32Array | null;
  postValue: Float32Array | null;
  /** Dense: slots × dimensions. */
  matrix: Float32Array | null;
}

/** Slots scored per block: 8192 float32 scores are 32 KB, a first-level cache. */
const BLOCK = 8192;

/** Stale items searched one by one before the index is compiled again: at least this many… */
const MIN_RECOMPILE = 512;
/** …or this share of the index. */
const RECOMPILE_SHARE = 0.05;

export class VectorIndex {
  private readonly items = new Map<string, IndexedItem>();
  /** Keys changed or removed since the last compile. */
  private readonly stale = new Set<string>();
  private compiled: Compiled | null = null;
  /** One block's scores (zero between searches). */
  private readonly scores = new Float32Array(BLOCK);
  /** Per query dimension: the next posting, the list's end, the weight (reused). */
  private cursor = new Uint32Array(0);
  private end = new Uint32Array(0);
  private weight = new Float64Array(0);
  /** Postings the last sparse search walked (the pruning's effect: bench, tests). */
  postingsWalked = 0;
  /** The weighted query, dense (zero outside the query's dimensions between searches). */
  private queryDense = new Float64Array(0);

  constructor(private readonly weighting: 'idf' | 'none') {}

  get size(): number {
    return this.items.size;
  }

  get(type: AiItemType, id: string): IndexedItem | undefined {
    return this.items.get(itemKeyOf({ type, id }));
  }

  upsert(item: IndexedItem): void {
    const key = itemKeyOf(item);
    this.items.set(key, item);
    this.markStale(key);
  }

  remove(type: AiItemType, id: string): void {
    const key = itemKeyOf({ type, id });
    if (this.items.delete(key)) this.markStale(key);
  }

  private markStale(key: string): void {
    this.stale.add(key);
    const slot = this.compiled?.slotOf.get(key);
    if (slot !== undefined) this.compiled!.staleSlots[slot] = 1;
  }

  /** Updates what results show of an item without touching its vector. */
  updateMeta(type: AiItemType, id: string, meta: Partial<Omit<IndexedItem, 'vector'>>): void {
    const item = this.items.get(itemKeyOf({ type, id }));
    if (item) Object.assign(item, meta);
  }

  /** The `limit` items most similar to `query`, best first; `accept` filters candidates. */
  search(
    query: IndexVector,
    limit: number,
    accept: (item: IndexedItem) => boolean = () => true
  ): SearchHit[] {
    if (this.items.size === 0) return [];
    if (!this.compiled || this.stale.size > Math.max(MIN_RECOMPILE, this.size * RECOMPILE_SHARE)) {
      this.compile(query.dimensions);
    }
    const compiled = this.compiled!;
    if (compiled.dimensions !== query.dimensions) return [];
    const q = weigh(query, compiled.idf);
    const top = new TopK(limit);
    if (this.queryDense.length !== compiled.dimensions) {
      this.queryDense = new Float64Array(compiled.dimensions);
    }
    const dense = this.queryDense;
    forEachEntry(q, (d, v) => (dense[d] = v));
    try {
      if (compiled.offsets) this.searchSparse(compiled, q, top, accept);
      else if (compiled.matrix) this.searchDense(compiled, top, accept);
      // Items changed since the compile, one by one, weighed by the compiled idf.
      for (const key of this.stale) {
        const item = this.items.get(key);
        if (!item || item.vector.dimensions !== compiled.dimensions || !accept(item)) continue;
        const score = exactScore(
          item.vector,
          compiled.idf,
          scaleOf(item.vector, compiled.idf),
          dense
        );
        if (score > 0) top.offer(item, score);
      }
    } finally {
      forEachEntry(q, (d) => (dense[d] = 0));
    }
    return top.sorted();
  }

  /**
   * The sparse search (see the file's comment): the posting lists are walked one block of slots
   * at a time, so the block's scores stay in the first-level cache; each block is then scanned
   * for the top k and cleared.
   */
  private searchSparse(
    compiled: Compiled,
    q: IndexVector,
    top: TopK,
    accept: (item: IndexedItem) => boolean
  ): void {
    const offsets = compiled.offsets!;
    const postSlot = compiled.postSlot!;
    const postValue = compiled.postValue!;
    const { slots, staleSlots } = compiled;
    const n = slots.length;
    // The query's dimensions in its own order: the order every slot's score is summed in.
    const terms = q.indices ? q.indices.length : q.values.length;
    if (this.cursor.length < terms) {
      this.cursor = new Uint32Array(terms);
      this.end = new Uint32Array(terms);
      this.weight = new Float64Array(terms);
    }
    const { cursor, end, weight } = this;
    let m = 0;
    forEachEntry(q, (d, v) => {
      cursor[m] = offsets[d]!;
      end[m] = offsets[d + 1]!;
      weight[m] = v;
      m++;
    });
    const scores = this.scores;
    let walked = 0;
    for (let base = 0; base < n; base += BLOCK) {
      const limit = Math.min(base + BLOCK, n);
      for (let t = 0; t < m; t++) {
        const qv = weight[t]!;
        let p = cursor[t]!;
        const stop = end[t]!;
        while (p < stop) {
          const slot = postSlot[p]!;
          if (slot >= limit) break;
          scores[slot - base]! += qv * postValue[p]!;
          p++;
        }
        walked += p - cursor[t]!;
        cursor[t] = p;
      }
      for (let s = base; s < limit; s++) {
        const score = scores[s - base]!;
        if (score === 0) continue;
        scores[s - base] = 0;
        if (score < 0 || score <= top.floor || staleSlots[s] === 1) continue;
        const item = slots[s]!;
        if (accept(item)) top.offer(item, score);
      }
    }
    this.postingsWalked = walked;
  }

  private searchDense(compiled: Compiled, top: TopK, accept: (item: IndexedItem) => boolean): void {
    const dense = this.queryDense;
    const dim = compiled.dimensions;
    const m = compiled.matrix!;
    const { slots, staleSlots } = compiled;
    for (let s = 0, n = slots.length; s < n; s++) {
      if (staleSlots[s] === 1) continue;
      let sum = 0;
      const base = s * dim;
      for (let d = 0; d < dim; d++) sum += m[base + d]! * dense[d]!;
      if (sum <= 0 || sum <= top.floor) continue;
      const item = slots[s]!;
      if (accept(item)) top.offer(item, sum);
    }
  }

  private compile(queryDimensions: number): void {
    const slots = [...this.items.values()];
    const dimensions = slots[0]?.vector.dimensions ?? queryDimensions;
    const usable = slots.filter((item) => item.vector.dimensions === dimensions);
    const sparse = usable.every((item) => item.vector.indices !== null);
    const idf = new Float32Array(dimensions).fill(1);
    if (this.weighting === 'idf') {
      const df = new Uint32Array(dimensions);
      for (const item of usable) forEachEntry(item.vector, (d) => df[d]!++);
      const n = usable.length;
      for (let d = 0; d < dimensions; d++) idf[d] = Math.log((n + 1) / (df[d]! + 1)) + 1;
    }
    const compiled: Compiled = {
      slots: usable,
      slotOf: new Map(usable.map((item, slot) => [itemKeyOf(item), slot])),
      staleSlots: new Uint8Array(usable.length),
      dimensions,
      idf,
      offsets: null,
      postSlot: null,
      postValue: null,
      matrix: null
    };
    if (sparse) {
      const counts = new Uint32Array(dimensions + 1);
      let total = 0;
      for (const item of usable) {
        for (const d of item.vector.indices!) counts[d + 1]!++;
        total += item.vector.indices!.length;
      }
      const offsets = new Uint32Array(dimensions + 1);
      for (let d = 0; d < dimensions; d++) offsets[d + 1] = offsets[d]! + counts[d + 1]!;
      const fill = offsets.slice(0, dimensions);
      const postSlot = new Uint32Array(total);
      const postValue = new Float32Array(total);
      usable.forEach((item, slot) => {
        const weighted = weigh(item.vector, idf);
        const indices = weighted.indices!;
        for (let j = 0; j < indices.length; j++) {
          const d = indices[j]!;
          const p = fill[d]!++;
          postSlot[p] = slot;
          postValue[p] = weighted.values[j]!;
        }
      });
      Object.assign(compiled, { offsets, postSlot, postValue });
    } else {
      const matrix = new Float32Array(usable.length * dimensions);
      usable.forEach((item, slot) => {
        const weighted = weigh(item.vector, idf);
        const base = slot * dimensions;
        forEachEntry(weighted, (d, v) => (matrix[base + d] = v));
      });
      compiled.matrix = matrix;
    }
    this.compiled = compiled;
    this.stale.clear();
  }
}

function forEachEntry(vector: IndexVector, visit: (d: number, value: number) => void): void {
  const { indices, values } = vector;
  if (indices) {
    for (let j = 0; j < indices.length; j++) visit(indices[j]!, values[j]!);
  } else {
    for (let d = 0; d < values.length; d++) if (values[d] !== 0) visit(d, values[d]!);
  }
}

/** The factor that L2-normalises `vector` times `idf` (1 for a zero vector). */
function scaleOf(vector: IndexVector, idf: Float32Array): number {
  let norm = 0;
  for (let j = 0; j < vector.values.length; j++) {
    const d = vector.indices ? vector.indices[j]! : j;
    const v = vector.values[j]! * (idf[d] ?? 1);
    norm += v * v;
  }
  return norm > 0 ? 1 / Math.sqrt(norm) : 1;
}

/** `vector` times `idf`, L2-normalised (a new vector): value j is `exactScore`'s weight j. */
export function weigh(vector: IndexVector, idf: Float32Array): IndexVector {
  const scale = scaleOf(vector, idf);
  const values = new Float32Array(vector.values.length);
  for (let j = 0; j < values.length; j++) {
    const d = vector.indices ? vector.indices[j]! : j;
    values[j] = Math.fround(vector.values[j]! * (idf[d] ?? 1)) * scale;
  }
  return { dimensions: vector.dimensions, indices: vector.indices, values };
}

/**
 * The dot product of `vector` weighed (idf, then `scale`) with the dense weighted query, summed
 * in the vector's own order: every score the index returns is this sum.
 */
function exactScore(
  vector: IndexVector,
  idf: Float32Array,
  scale: number,
  dense: Float64Array
): number {
  const { indices, values } = vector;
  let sum = 0;
  for (let j = 0; j < values.length; j++) {
    const d = indices ? indices[j]! : j;
    const q = dense[d]!;
    if (q !== 0) sum += Math.fround(Math.fround(values[j]! * (idf[d] ?? 1)) * scale) * q;
  }
  return sum;
}

/** The best `k` offers, kept sorted (k is small: a linear insert beats a heap's overhead). */
class TopK {
  private readonly hits: SearchHit[] = [];
  constructor(readonly k: number) {}

  /** The score an offer must beat once full. */
  get floor(): number {
    return this.hits.length < this.k ? -Infinity : this.hits[this.hits.length - 1]!.score;
  }

  offer(item: IndexedItem, score: number): void {
    if (this.k <= 0 || score <= this.floor) return;
    let i = this.hits.length;
    while (i > 0 && this.hits[i - 1]!.score < score) i--;
    this.hits.splice(i, 0, { item, score });
    if (this.hits.length > this.k) this.hits.pop();
  }

  sorted(): SearchHit[] {
    return this.hits;
  }
}
