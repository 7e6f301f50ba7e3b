/**
 * An `Embedder` over an OpenAI-compatible embeddings endpoint (`POST <url>/embeddings`), for
 * example a local Ollama serving bge-m3 (`RUNBOARD_AI_EMBEDDINGS_URL=http://127.0.0.1:11434/v1`,
 * `RUNBOARD_AI_EMBEDDINGS_MODEL=bge-m3`). Vectors are L2-normalised here whatever the server
 * returns. The dimensions are learned from the first answer (0 until then).
 */
import { z } from 'zod';
import type { Embedder } from './embedder';
import { normalize } from './embedder';

/** Texts per request. */
const REQUEST_BATCH = 64;
/** A request that takes longer is abandoned. */
export const OPENAI_EMBED_TIMEOUT_MS = 30_000;

const replySchema = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })).min(1)
});

export interface OpenAiEmbedderOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:11434/v1` (`/embeddings` is added). */
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
}

export class OpenAiEmbedder implements Embedder {
  readonly id: string;
  dimensions = 0;

  constructor(private readonly options: OpenAiEmbedderOptions) {
    this.id = `openai:${options.model}@${new URL(options.url).host}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += REQUEST_BATCH) {
      out.push(...(await this.request(texts.slice(i, i + REQUEST_BATCH))));
    }
    return out;
  }

  private async request(input: readonly string[]): Promise<Float32Array[]> {
    const url = this.options.url.replace(/\/+$/, '') + '/embeddings';
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.apiKey) headers['authorization'] = `Bearer ${this.options.apiKey}`;
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: this.options.model, input }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? OPENAI_EMBED_TIMEOUT_MS)
    });
    if (!response.ok) {
      throw new Error(`embeddings endpoint answered ${response.status}`);
    }
    const reply = replySchema.parse(await response.json());
    const vectors: Float32Array[] = new Array<Float32Array>(input.length);
    for (const item of reply.data) {
      if (item.index >= input.length) throw new Error('embeddings endpoint: index out of range');
      vectors[item.index] = normalize(Float32Array.from(item.embedding));
    }
    for (let i = 0; i < input.length; i++) {
      const vector = vectors[i];
      if (!vector) throw new Error('embeddings endpoint: an input has no embedding');
      if (this.dimensions === 0) this.dimensions = vector.length;
      if (vector.length !== this.dimensions) {
        throw new Error('embeddings endpoint: vectors of different lengths');
      }
    }
    return vectors;
  }
}
