/**
 * The AI index's search (src/lib/server/ai/ai-index.ts) against a brute-force reference written
 * here: every item weighed by the idf of the compiled set and L2-normalised, dotted with the
 * weighed query, all sorted. The blocked walk must return the reference's top k (same items,
 * same order, scores equal to float32 rounding), across several blocks of slots, with stale
 * items, filters and dense vectors.
 */
import { describe, expect, it } from 'vitest';
import { VectorIndex, type IndexedItem } from '../../src/lib/server/ai/ai-index';
import type { IndexVector } from '../../src/lib/server/ai/vector-codec';
import { seededRandom } from '../helpers/random';

const DIMS = 1024;

/** Sparse vectors in clusters: shared heavy "topic" dimensions, Zipf-like common ones, noise. */
function makeData(seed: number, count: number) {
  const random = seededRandom(seed);
  const topics = Array.from({ length: 40 }, () =>
    Array.from({ length: 6 }, () => Math.floor(random() * DIMS))
  );
  const vector = (): IndexVector => {
    const values = new Map<number, number>();
    const topic = topics[Math.floor(random() * topics.length)]!;
    for (const d of topic)
      if (random() < 0.85) values.set(d, (random() < 0.5 ? -1 : 1) * (0.6 + random()));
    for (let k = 0; k < 12; k++) {
      // common dimensions: low numbers are far more frequent
      const d = Math.floor(DIMS * random() ** 4);
      values.set(d, (values.get(d) ?? 0) + (random() < 0.5 ? -1 : 1) * random() * 0.5);
    }
    for (let k = 0; k < 4; k++) values.set(Math.floor(random() * DIMS), random() - 0.5);
    const indices = Uint32Array.from([...values.keys()].sort((a, b) => a - b));
    return { dimensions: DIMS, indices, values: Float32Array.from(indices, (d) => values.get(d)!) };
  };
  const items: IndexedItem[] = Array.from({ length: count }, (_, i) => ({
    type: i % 3 === 0 ? 'incident' : 'task',
    id: `i${i}`,
    itemKey: null,
    title: `item ${i}`,
    status: 'open',
    finishedAt: null,
    vector: vector()
  }));
  return { items, vector };
}

/** The reference: idf from `compiledSet`, every item of `items` scored, sorted. */
function bruteForce(
  compiledSet: readonly IndexedItem[],
  items: readonly IndexedItem[],
  query: IndexVector,
  k: number,
  accept: (item: IndexedItem) => boolean = () => true
) {
  const df = new Array<number>(DIMS).fill(0);
  for (const item of compiledSet) for (const d of item.vector.indices!) df[d]! += 1;
  const idf = new Float32Array(df.map((f) => Math.log((compiledSet.length + 1) / (f + 1)) + 1));
  const weighed = (v: IndexVector) => {
    let norm = 0;
    v.values.forEach((x, j) => (norm += (x * idf[v.indices![j]!]!) ** 2));
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 1;
    return Array.from(v.values, (x, j) =>
      Math.fround(Math.fround(x * idf[v.indices![j]!]!) * scale)
    );
  };
  const q = new Float64Array(DIMS);
  weighed(query).forEach((x, j) => (q[query.indices![j]!] = x));
  return items
    .filter(accept)
    .map((item, order) => {
      let score = 0;
      weighed(item.vector).forEach((w, j) => {
        const x = q[item.vector.indices![j]!]!;
        if (x !== 0) score += w * x;
      });
      return { id: item.id, score, order };
    })
    .filter((h) => h.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, k)
    .map(({ id, score }) => ({ id, score }));
}

/** Same items in the same order; scores equal to float32 accumulation error. */
function expectSame(
  got: { id: string; score: number }[],
  want: { id: string; score: number }[]
): void {
  expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
  got.forEach((h, i) => expect(Math.abs(h.score - want[i]!.score)).toBeLessThan(1e-5));
}

const hits = (
  index: VectorIndex,
  q: IndexVector,
  k: number,
  accept?: (i: IndexedItem) => boolean
) => index.search(q, k, accept).map((h) => ({ id: h.item.id, score: h.score }));

describe('the AI index search', () => {
  it('returns the brute-force top k on random clustered data, over several blocks', () => {
    // more than two blocks of 8192 slots
    const { items, vector } = makeData(17, 20_000);
    const index = new VectorIndex('idf');
    for (const item of items) index.upsert(item);
    const listLength = new Array<number>(DIMS).fill(0);
    for (const item of items) for (const d of item.vector.indices!) listLength[d]! += 1;
    for (let n = 0; n < 16; n++) {
      // queries near an item (a paraphrase) or random
      const q = n % 2 === 0 ? items[n * 1231]!.vector : vector();
      for (const k of [1, 10]) expectSame(hits(index, q, k), bruteForce(items, items, q, k));
      // every posting of the query's dimensions, each once
      let all = 0;
      for (const d of q.indices!) all += listLength[d]!;
      expect(index.postingsWalked).toBe(all);
    }
  });

  it('stays exact with a filter, with items changed since the compile, and with a large k', () => {
    const { items, vector } = makeData(5, 3000);
    const index = new VectorIndex('idf');
    for (const item of items) index.upsert(item);
    index.search(vector(), 5); // compiles
    // fewer than the recompile threshold: searched one by one beside the compiled set
    const current = new Map(items.map((i) => [i.id, i]));
    for (let n = 0; n < 200; n++) {
      const changed = { ...items[n * 7]!, vector: vector() };
      index.upsert(changed);
      current.set(changed.id, changed);
    }
    for (let n = 0; n < 50; n++) {
      const gone = items[n * 11 + 1]!;
      index.remove(gone.type, gone.id);
      current.delete(gone.id);
    }
    // the reference orders compiled items first, then changed ones (their search order)
    const changedIds = new Set(Array.from({ length: 200 }, (_, n) => `i${n * 7}`));
    const ordered = [
      ...[...current.values()].filter((i) => !changedIds.has(i.id)),
      ...[...current.values()].filter((i) => changedIds.has(i.id))
    ];
    const incidentsOnly = (i: IndexedItem) => i.type === 'incident';
    for (let n = 0; n < 30; n++) {
      const q = n % 2 === 0 ? items[n * 53 + 3]!.vector : vector();
      expectSame(hits(index, q, 10), bruteForce(items, ordered, q, 10));
      expectSame(hits(index, q, 5, incidentsOnly), bruteForce(items, ordered, q, 5, incidentsOnly));
      expectSame(hits(index, q, 200), bruteForce(items, ordered, q, 200));
    }
  });

  it('searches dense vectors exhaustively, best first', () => {
    const random = seededRandom(3);
    const dense = () => Float32Array.from({ length: 16 }, () => random() - 0.3);
    const index = new VectorIndex('none');
    const vectors = Array.from({ length: 300 }, dense);
    vectors.forEach((values, i) =>
      index.upsert({
        type: 'task',
        id: `d${i}`,
        itemKey: null,
        title: '',
        status: 'open',
        finishedAt: null,
        vector: { dimensions: 16, indices: null, values }
      })
    );
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    for (let n = 0; n < 20; n++) {
      const q = dense();
      const qn = Float32Array.from(q, (x) => x / norm(q));
      const expected = vectors
        .map((v, i) => {
          const vn = Float32Array.from(v, (x) => x / norm(v));
          let s = 0;
          for (let d = 0; d < 16; d++) s += vn[d]! * qn[d]!;
          return { id: `d${i}`, s, i };
        })
        .filter((h) => h.s > 0)
        .sort((a, b) => b.s - a.s || a.i - b.i)
        .slice(0, 7)
        .map((h) => h.id);
      const got = index.search({ dimensions: 16, indices: null, values: q }, 7);
      expect(got.map((h) => h.item.id)).toEqual(expected);
    }
  });
});
