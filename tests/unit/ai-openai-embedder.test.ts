/**
 * The OpenAI-compatible embedder (ai/openai-embedder.ts) against a real local HTTP server on
 * port 0 that answers like `POST /v1/embeddings` (as Ollama does).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine } from '../../src/lib/server/ai/embedder';
import { OpenAiEmbedder } from '../../src/lib/server/ai/openai-embedder';

let server: Server;
let base: string;
const seen: { auth: string | undefined; body: { model: string; input: string[] } }[] = [];

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => resolve(text));
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void body(req).then((text) => {
      if (req.url !== '/v1/embeddings' || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      const parsed = JSON.parse(text) as { model: string; input: string[] };
      seen.push({ auth: req.headers.authorization, body: parsed });
      if (parsed.model === 'broken') {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"no"}');
        return;
      }
      // A 3-dimensional "embedding": counts of a, b and c, not normalised; answered in reverse
      // order to check that `index` is honoured.
      const data = parsed.input.map((input, index) => ({
        object: 'embedding',
        index,
        embedding: ['a', 'b', 'c'].map((ch) => input.split(ch).length - 1)
      }));
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ object: 'list', data: data.reverse(), model: parsed.model }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the OpenAI-compatible embedder', () => {
  it('posts the texts with the model and key, and returns normalised vectors in order', async () => {
    const embedder = new OpenAiEmbedder({ url: base, model: 'bge-m3', apiKey: 'sk-local' });
    const [x, y, z] = await embedder.embed(['aab', 'ccc', 'aab']);
    expect(embedder.dimensions).toBe(3);
    expect(embedder.id).toContain('bge-m3');
    expect(Array.from(y!)).toEqual([0, 0, 1]);
    expect(cosine(x!, x!)).toBeCloseTo(1, 5);
    expect(x![0]!).toBeCloseTo(2 / Math.sqrt(5), 5);
    expect(Array.from(z!)).toEqual(Array.from(x!));
    expect(seen.at(-1)).toEqual({
      auth: 'Bearer sk-local',
      body: { model: 'bge-m3', input: ['aab', 'ccc', 'aab'] }
    });
  });

  it('fails with the status when the endpoint fails', async () => {
    const embedder = new OpenAiEmbedder({ url: base, model: 'broken' });
    await expect(embedder.embed(['a'])).rejects.toThrow(/500/);
  });
});
