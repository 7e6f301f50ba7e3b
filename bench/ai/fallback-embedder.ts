/**
 * A deliberately plain embedder for the `ai` benchmark when the product's lexical embedder
 * (src/lib/server/ai/lexical-embedder.ts) is not there: hashed word and character n-gram counts
 * (CJK unigrams and bigrams, Latin words and their trigrams), no segmentation, no glossary, no
 * IDF. The bench says which embedder it ran; figures from this one are a floor, not the product.
 */
import { normalize, type Embedder } from '../../src/lib/server/ai/embedder';

const DIMENSIONS = 1 << 14;

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % DIMENSIONS;
}

function features(text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  for (const run of lower.match(/[\u3400-\u9fff]+/g) ?? []) {
    for (let i = 0; i < run.length; i++) {
      out.push(`c:${run[i]}`);
      if (i + 1 < run.length) out.push(`b:${run.slice(i, i + 2)}`);
    }
  }
  for (const word of lower.match(/[a-z0-9][a-z0-9._-]*/g) ?? []) {
    const w = word.replace(/(ing|ed|es|s)$/, '');
    out.push(`w:${w}`);
    const padded = `#${w}#`;
    for (let i = 0; i + 3 <= padded.length; i++) out.push(`t:${padded.slice(i, i + 3)}`);
  }
  return out;
}

export class FallbackEmbedder implements Embedder {
  readonly id = 'bench-fallback-hashed-ngrams';
  readonly dimensions = DIMENSIONS;
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => {
      const v = new Float32Array(DIMENSIONS);
      for (const f of features(text)) v[hash(f)]! += f.startsWith('t:') ? 0.3 : 1;
      for (let i = 0; i < v.length; i++) if (v[i]! > 0) v[i] = 1 + Math.log(v[i]!);
      return normalize(v);
    });
  }
}
