// Fixed-resolution latency histogram (10 µs buckets up to 10 s), cheap to
// record into from the hot receive path and to merge across worker processes.

export const BUCKET_MS = 0.01;
const NBUCKETS = 1_000_000; // 10 s

export class Histogram {
  constructor() {
    this.buckets = new Uint32Array(NBUCKETS);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
    this.min = Infinity;
    this.overflow = 0;
  }
  /** @param {number} ms */
  record(ms) {
    if (ms < 0) ms = 0;
    let i = Math.floor(ms / BUCKET_MS);
    if (i >= NBUCKETS) {
      i = NBUCKETS - 1;
      this.overflow++;
    }
    this.buckets[i] = /** @type {number} */ (this.buckets[i]) + 1;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    if (ms < this.min) this.min = ms;
  }
  /** Sparse, JSON-able form for IPC. */
  toJSON() {
    /** @type {number[]} */
    const idx = [];
    /** @type {number[]} */
    const cnt = [];
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) {
      if (b[i]) {
        idx.push(i);
        cnt.push(/** @type {number} */ (b[i]));
      }
    }
    return {
      idx,
      cnt,
      count: this.count,
      sum: this.sum,
      max: this.max,
      min: this.min === Infinity ? null : this.min,
      overflow: this.overflow
    };
  }
  /** @param {ReturnType<Histogram['toJSON']>} j */
  merge(j) {
    for (let k = 0; k < j.idx.length; k++) {
      const i = /** @type {number} */ (j.idx[k]);
      this.buckets[i] = /** @type {number} */ (this.buckets[i]) + /** @type {number} */ (j.cnt[k]);
    }
    this.count += j.count;
    this.sum += j.sum;
    if (j.max > this.max) this.max = j.max;
    if (j.min != null && j.min < this.min) this.min = j.min;
    this.overflow += j.overflow;
  }
  /**
   * Upper edge of the bucket holding the p-quantile (conservative).
   * @param {number} p 0..1
   */
  quantile(p) {
    if (!this.count) return NaN;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let acc = 0;
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) {
      acc += /** @type {number} */ (b[i]);
      if (acc >= rank) return Math.min((i + 1) * BUCKET_MS, this.max);
    }
    return this.max;
  }
  summary() {
    return {
      count: this.count,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      max: this.count ? this.max : NaN,
      mean: this.count ? this.sum / this.count : NaN
    };
  }
}

/**
 * Quantile of a plain array (sorted copy).
 * @param {number[]} values
 * @param {number} p
 */
export function quantile(values, p) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return /** @type {number} */ (
    s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]
  );
}
