/**
 * Vectors as stored in `ai_items.vector`, and as the in-memory index holds them. The lexical
 * embedder's vectors are sparse (a few hundred non-zeros of 8192), so they are stored and
 * searched as (index, value) pairs; a neural model's dense vectors stay dense.
 *
 * Bytes: format (1 = sparse, 2 = dense), three zero bytes, uint32 dimensions (little endian),
 * then for sparse: uint32 count, count × uint32 index, count × float32 value; for dense:
 * dimensions × float32.
 */

/** A vector in the index: `indices` null means dense (`values` has every dimension). */
export interface IndexVector {
  dimensions: number;
  indices: Uint32Array | null;
  values: Float32Array;
}

const SPARSE = 1;
const DENSE = 2;

/** The compact form of a dense embedder output: sparse when that is smaller. */
export function toIndexVector(vector: Float32Array): IndexVector {
  let count = 0;
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) count++;
  if (count * 2 >= vector.length) {
    return { dimensions: vector.length, indices: null, values: vector };
  }
  const indices = new Uint32Array(count);
  const values = new Float32Array(count);
  let j = 0;
  for (let i = 0; i < vector.length; i++) {
    if (vector[i] !== 0) {
      indices[j] = i;
      values[j] = vector[i]!;
      j++;
    }
  }
  return { dimensions: vector.length, indices, values };
}

/** The stored bytes of `vector`. */
export function encodeVector(vector: IndexVector): Uint8Array {
  const { indices, values } = vector;
  const size = 8 + (indices ? 4 + indices.length * 8 : values.length * 4);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, indices ? SPARSE : DENSE);
  view.setUint32(4, vector.dimensions, true);
  let offset = 8;
  if (indices) {
    view.setUint32(offset, indices.length, true);
    offset += 4;
    for (const index of indices) {
      view.setUint32(offset, index, true);
      offset += 4;
    }
  }
  for (const value of values) {
    view.setFloat32(offset, value, true);
    offset += 4;
  }
  return bytes;
}

/** The vector of stored bytes; throws on bytes that are not one. */
export function decodeVector(bytes: Uint8Array): IndexVector {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8) throw new Error('vector: too short');
  const format = view.getUint8(0);
  const dimensions = view.getUint32(4, true);
  let offset = 8;
  if (format === SPARSE) {
    const count = view.getUint32(offset, true);
    offset += 4;
    if (bytes.byteLength !== 12 + count * 8) throw new Error('vector: bad length');
    const indices = new Uint32Array(count);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) indices[i] = view.getUint32(offset + i * 4, true);
    offset += count * 4;
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(offset + i * 4, true);
    return { dimensions, indices, values };
  }
  if (format === DENSE) {
    if (bytes.byteLength !== 8 + dimensions * 4) throw new Error('vector: bad length');
    const values = new Float32Array(dimensions);
    for (let i = 0; i < dimensions; i++) values[i] = view.getFloat32(offset + i * 4, true);
    return { dimensions, indices: null, values };
  }
  throw new Error(`vector: unknown format ${format}`);
}
