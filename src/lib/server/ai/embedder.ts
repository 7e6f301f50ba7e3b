/**
 * Text embedders (DESIGN.md §7): one interface, several implementations. The default is the
 * bilingual lexical embedder (works out of the box, no model files); a transformers.js model
 * loaded from `MODEL_DIR` with remote loading off, or an OpenAI-compatible embeddings endpoint
 * (e.g. a local Ollama), may replace it. Vectors are L2-normalised, so the dot product of two is
 * their cosine similarity.
 */
export interface Embedder {
  /** Stable id of the embedder and its configuration (e.g. `lexical-v1`, `onnx:<model dir>`);
   *  stored beside each vector so a change of embedder is seen and the index rebuilt. */
  readonly id: string;
  /** Length of every vector it returns. */
  readonly dimensions: number;
  /** One vector per text, in order; each L2-normalised (all-zero for a text with no terms). */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Cosine similarity of two L2-normalised vectors of the same length. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Scales `v` in place to unit length (left as is when all zero); returns it. */
export function normalize(v: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  if (norm === 0) return v;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * scale;
  return v;
}

/**
 * An `Embedder` that may tell the index how to weigh its vectors: `idf` for sparse lexical
 * vectors the index weighs by its own document frequencies (ai-index.ts); absent for vectors
 * used as they are (a neural model's).
 */
export interface AiEmbedder extends Embedder {
  readonly termWeighting?: 'idf';
}
