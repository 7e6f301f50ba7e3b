/**
 * An `Embedder` over a sentence-embedding model run by transformers.js
 * (`@huggingface/transformers`, DESIGN.md §7), loaded from a local folder (`MODEL_DIR`) with
 * remote loading off: nothing is downloaded, ever. The folder holds what transformers.js reads
 * (docs/ai.md): `config.json`, `tokenizer.json` (and `tokenizer_config.json`) and
 * `onnx/model.onnx`. The feature-extraction pipeline's token vectors are mean-pooled over the
 * attention mask and L2-normalised.
 *
 * The library (and onnxruntime) is imported on first use, so a server on the lexical embedder
 * never loads it.
 */
import { basename, dirname, resolve } from 'node:path';
import type { Embedder } from './embedder';
import { normalize } from './embedder';

/** Texts per model call. */
const MODEL_BATCH = 16;

interface Extractor {
  (
    texts: string[],
    options: { pooling: 'mean'; normalize: boolean }
  ): Promise<{ dims: number[]; data: ArrayLike<number> }>;
}

export interface TransformersEmbedderOptions {
  /** The model's folder. */
  modelDir: string;
  /** Vector length; read from the model's `config.json` `hidden_size` when absent. */
  dimensions: number;
}

export class TransformersEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  private extractor: Promise<Extractor> | null = null;
  private readonly modelDir: string;

  constructor(options: TransformersEmbedderOptions) {
    this.modelDir = resolve(options.modelDir);
    this.dimensions = options.dimensions;
    this.id = `onnx:${basename(this.modelDir)}:${options.dimensions}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const extractor = await this.load();
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += MODEL_BATCH) {
      const batch = texts.slice(i, i + MODEL_BATCH).map((t) => (t === '' ? ' ' : t));
      const tensor = await extractor(batch, { pooling: 'mean', normalize: true });
      const width = tensor.dims[tensor.dims.length - 1] ?? 0;
      if (width !== this.dimensions) {
        throw new Error(`model gives vectors of ${width}, expected ${this.dimensions}`);
      }
      for (let j = 0; j < batch.length; j++) {
        const vector = Float32Array.from(
          Array.prototype.slice.call(tensor.data, j * width, (j + 1) * width) as number[]
        );
        out.push(normalize(vector));
      }
    }
    return out;
  }

  private load(): Promise<Extractor> {
    this.extractor ??= (async () => {
      const transformers = await import('@huggingface/transformers');
      const { env } = transformers;
      // Never from a hub: only the local folder.
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = dirname(this.modelDir) + '/';
      const extractor = await transformers.pipeline('feature-extraction', basename(this.modelDir), {
        dtype: 'fp32',
        local_files_only: true
      });
      return extractor as unknown as Extractor;
    })();
    // A failed load is tried again on the next call (the folder may be filled meanwhile).
    this.extractor.catch(() => {
      this.extractor = null;
    });
    return this.extractor;
  }
}
