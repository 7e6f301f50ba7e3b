/**
 * The bilingual lexical embedder (ai/lexical-embedder.ts): segmentation, stemming, the
 * glossary bridge, determinism and normalisation; the vector codec and the in-memory index.
 */
import { describe, expect, it } from 'vitest';
import { VectorIndex, type IndexedItem } from '../../src/lib/server/ai/ai-index';
import { cosine } from '../../src/lib/server/ai/embedder';
import { glossary } from '../../src/lib/server/ai/glossary';
import { features, LexicalEmbedder } from '../../src/lib/server/ai/lexical-embedder';
import { stem } from '../../src/lib/server/ai/stemmer';
import { decodeVector, encodeVector, toIndexVector } from '../../src/lib/server/ai/vector-codec';

const embedder = new LexicalEmbedder();

async function similarity(a: string, b: string): Promise<number> {
  const [x, y] = await embedder.embed([a, b]);
  return cosine(x!, y!);
}

function names(text: string): string[] {
  return features(text).map(([name]) => name);
}

describe('the lexical embedder', () => {
  it('stems English words lightly', () => {
    expect(stem('certificates')).toBe(stem('certificate'));
    expect(stem('expired')).toBe(stem('expire'));
    expect(stem('expiring')).toBe(stem('expire'));
    expect(stem('connections')).toBe('connection');
    expect(stem('stopped')).toBe('stop');
    expect(stem('queries')).toBe('query');
    expect(stem('dns')).toBe('dns');
    expect(stem('status')).toBe('status');
  });

  it('segments Chinese with jieba, keeps glossary terms whole and adds character bigrams', () => {
    const f = names('MySQL 主从延迟超过 300 秒');
    expect(f).toContain('w:主从延迟');
    expect(f).toContain('z:主从');
    expect(f).toContain('z:延迟');
    expect(f).toContain('k:replication_lag');
    expect(f).toContain('k:mysql');
    expect(f).toContain('w:mysql');
  });

  it('bridges Chinese and English through the glossary', () => {
    const en = names('replication lag on the mysql replicas');
    expect(en).toContain('k:replication_lag');
    expect(en).toContain('k:replication');
    expect(names('证书过期')).toContain('k:certificate');
    expect(names('certificates expired')).toContain('k:certificate');
  });

  it('puts "磁盘空间不足" close to "disk space low" and far from an unrelated ticket', async () => {
    const close = await similarity('磁盘空间不足', 'disk space low');
    const far = await similarity('磁盘空间不足', 'certificate expired on the api gateway');
    expect(close).toBeGreaterThan(0.5);
    expect(far).toBeLessThan(0.1);
    expect(await similarity('MySQL 主从延迟', 'mysql replication lag')).toBeGreaterThan(0.4);
    expect(await similarity('连接池耗尽', 'connection pool exhausted')).toBeGreaterThan(0.4);
  });

  it('is deterministic and L2-normalised; an empty text is all zeros', async () => {
    const text = 'nginx 502 错误 on web-03 after deploy 发布';
    const [a, b] = await embedder.embed([text, text]);
    const [again] = await new LexicalEmbedder().embed([text]);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(Array.from(a!)).toEqual(Array.from(again!));
    expect(cosine(a!, a!)).toBeCloseTo(1, 5);
    expect(a!.length).toBe(embedder.dimensions);
    const [empty] = await embedder.embed(['  ']);
    expect(empty!.every((v) => v === 0)).toBe(true);
  });

  it('weighs words above character n-grams', () => {
    const f = features('replication');
    const word = f.find(([name]) => name.startsWith('w:'))!;
    const char = f.find(([name]) => name.startsWith('c:'))!;
    expect(word[1]).toBeGreaterThan(char[1]);
  });

  it('has a glossary of several hundred terms, each concept with both languages', () => {
    const terms = glossary.reduce((n, e) => n + e.en.length + e.zh.length, 0);
    expect(glossary.length).toBeGreaterThan(200);
    expect(terms).toBeGreaterThan(700);
    const concepts = glossary.map((e) => e.concept);
    expect(new Set(concepts).size).toBe(concepts.length);
  });
});

describe('vectors and the index', () => {
  it('round-trips sparse and dense vectors through their stored bytes', async () => {
    const [v] = await embedder.embed(['kafka consumer lag 消费积压']);
    const sparse = toIndexVector(v!);
    expect(sparse.indices).not.toBeNull();
    expect(decodeVector(encodeVector(sparse))).toEqual(sparse);
    const dense = toIndexVector(Float32Array.from([0.6, 0.8, 0.1, 0.2]));
    expect(dense.indices).toBeNull();
    expect(decodeVector(encodeVector(dense))).toEqual(dense);
    expect(() => decodeVector(new Uint8Array([9, 0, 0, 0, 4, 0, 0, 0]))).toThrow();
  });

  function item(id: string, vector: Float32Array): IndexedItem {
    return {
      type: 'task',
      id,
      itemKey: null,
      title: id,
      status: 'open',
      finishedAt: null,
      vector: toIndexVector(vector)
    };
  }

  it('finds the nearest items best first, sees changes and removals, filters', async () => {
    const texts = [
      'disk space low on db-01',
      'mysql replication lag',
      'certificate expired',
      'redis memory high',
      'nginx 502 errors'
    ];
    const vectors = await embedder.embed(texts);
    const index = new VectorIndex('idf');
    texts.forEach((text, i) => index.upsert(item(text, vectors[i]!)));
    const [query] = await embedder.embed(['磁盘空间不足 db-01']);
    const q = toIndexVector(query!);
    const hits = index.search(q, 3);
    expect(hits[0]!.item.id).toBe('disk space low on db-01');
    for (let i = 1; i < hits.length; i++) {
      expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    }
    index.remove('task', 'disk space low on db-01');
    expect(index.search(q, 3).map((h) => h.item.id)).not.toContain('disk space low on db-01');
    const [added] = await embedder.embed(['db-01 磁盘满了']);
    index.upsert(item('new', added!));
    expect(index.search(q, 1)[0]!.item.id).toBe('new');
    expect(index.search(q, 5, (i) => i.id !== 'new').map((h) => h.item.id)).not.toContain('new');
  });

  it('searches dense vectors by the dot product', () => {
    const index = new VectorIndex('none');
    index.upsert(item('a', Float32Array.from([1, 0, 0])));
    index.upsert(item('b', Float32Array.from([0.6, 0.8, 0])));
    const hits = index.search(toIndexVector(Float32Array.from([0, 1, 0])), 2);
    expect(hits.map((h) => h.item.id)).toEqual(['b']);
    expect(hits[0]!.score).toBeCloseTo(0.8, 5);
  });
});
