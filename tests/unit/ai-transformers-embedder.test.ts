/**
 * The transformers.js embedder (ai/transformers-embedder.ts) offline, on a tiny BERT-shaped
 * ONNX model this test writes (tests/helpers/tiny-model.ts): it loads from the folder with
 * remote loading off, tokenizes with the WordPiece tokenizer (CLS/SEP, sub-words, unknown
 * words, padding in a batch), and mean-pools the token vectors over the attention mask,
 * L2-normalised: the vectors equal the ones computed here by hand from the embedding table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmbedder } from '../../src/lib/server/ai/embedders';
import { TransformersEmbedder } from '../../src/lib/server/ai/transformers-embedder';
import { TINY_HIDDEN, TINY_VOCAB, tinyEmbedding, writeTinyModel } from '../helpers/tiny-model';

const root = mkdtempSync(join(tmpdir(), 'runboard-tiny-model-'));
const modelDir = join(root, 'tiny-bert');
writeTinyModel(modelDir);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Mean of the table rows of `tokens` (with CLS and SEP), L2-normalised. */
function expected(tokens: string[]): number[] {
  const ids = ['[CLS]', ...tokens, '[SEP]'].map((t) => TINY_VOCAB.indexOf(t as never));
  const sum = new Array<number>(TINY_HIDDEN).fill(0);
  for (const id of ids) tinyEmbedding(id).forEach((v, j) => (sum[j]! += v / ids.length));
  const norm = Math.sqrt(sum.reduce((s, v) => s + v * v, 0));
  return sum.map((v) => v / norm);
}

describe('the transformers.js embedder on a generated model', () => {
  it('loads offline and mean-pools over the attention mask', async () => {
    const embedder = createEmbedder({ embedder: 'model', modelDir });
    expect(embedder).toBeInstanceOf(TransformersEmbedder);
    expect(embedder.dimensions).toBe(TINY_HIDDEN);
    expect(embedder.id).toBe(`onnx:tiny-bert:${TINY_HIDDEN}`);
    // Different lengths in one batch: the shorter one is padded, and the padding not pooled.
    const [a, b, c] = await embedder.embed(['Disk full', 'certificate expired MySQL lag', 'zzz']);
    const close = (got: Float32Array, want: number[]) =>
      want.forEach((v, j) => expect(got[j]!).toBeCloseTo(v, 5));
    close(a!, expected(['disk', 'full']));
    close(b!, expected(['cert', '##ificate', 'expired', 'mysql', 'lag']));
    close(c!, expected(['[UNK]']));
    const [again] = await embedder.embed(['Disk full']);
    expect(Array.from(again!)).toEqual(Array.from(a!));
  });

  it('fails clearly on a folder with no model, and never reaches for a hub', async () => {
    const embedder = new TransformersEmbedder({ modelDir: join(root, 'missing'), dimensions: 4 });
    await expect(embedder.embed(['disk full'])).rejects.toThrow();
  });
});
