/**
 * The duplicate threshold (ai-service.ts `DUPLICATE_THRESHOLD`, docs/ai.md): on the bilingual
 * fixture, every paraphrase pair scores at or above it and every unrelated pair below it, with
 * the lexical embedder in an index of the fixture (its own document frequencies).
 */
import { describe, expect, it } from 'vitest';
import { VectorIndex } from '../../src/lib/server/ai/ai-index';
import { DUPLICATE_THRESHOLD } from '../../src/lib/server/ai/ai-service';
import { LexicalEmbedder } from '../../src/lib/server/ai/lexical-embedder';
import { toIndexVector } from '../../src/lib/server/ai/vector-codec';
import { BACKGROUND, PARAPHRASES } from '../fixtures/ai-paraphrases';

async function scores() {
  const embedder = new LexicalEmbedder();
  const texts = [...PARAPHRASES.flat(), ...BACKGROUND];
  const vectors = (await embedder.embed(texts)).map(toIndexVector);
  const index = new VectorIndex('idf');
  texts.forEach((title, i) =>
    index.upsert({
      type: 'task',
      id: String(i),
      itemKey: null,
      title,
      status: 'open',
      finishedAt: null,
      vector: vectors[i]!
    })
  );
  /** Score of text j when searching with text i. */
  const score = (i: number, j: number) =>
    index.search(vectors[i]!, texts.length).find((hit) => hit.item.id === String(j))?.score ?? 0;
  const paraphrase: number[] = [];
  const unrelated: number[] = [];
  for (let p = 0; p < PARAPHRASES.length; p++) {
    paraphrase.push(score(2 * p, 2 * p + 1), score(2 * p + 1, 2 * p));
    for (let q = 0; q < PARAPHRASES.length; q++) {
      if (q !== p) unrelated.push(score(2 * p, 2 * q), score(2 * p, 2 * q + 1));
    }
  }
  return { paraphrase, unrelated };
}

describe('the duplicate threshold', () => {
  it('separates paraphrases (both languages) from unrelated tickets on the fixture', async () => {
    const { paraphrase, unrelated } = await scores();
    const lowest = Math.min(...paraphrase);
    const highest = Math.max(...unrelated);
    expect(lowest).toBeGreaterThanOrEqual(DUPLICATE_THRESHOLD);
    expect(highest).toBeLessThan(DUPLICATE_THRESHOLD);
  });
});
