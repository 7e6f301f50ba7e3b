/**
 * What `node bench/run.mjs ai` (part `index`) and bench/ai-index/index.mjs measure (bundled with
 * esbuild, then run): the lexical embedder's throughput, and `ai/similar`'s in-memory work over
 * N items (default 100,000) of synthetic bilingual tickets, p50/p95/max over Q queries, after
 * the index is compiled. Each query is what AiService.search does for `ai/similar`: embed the
 * text, make it an index vector, search the top 10 with the op's filter (the asking item left
 * out). In process: no HTTP, no permission check, no JSON.
 */
import { VectorIndex } from '../../src/lib/server/ai/ai-index';
import { LexicalEmbedder } from '../../src/lib/server/ai/lexical-embedder';
import { toIndexVector } from '../../src/lib/server/ai/vector-codec';

const SERVICES = [
  'payments',
  'orders',
  'search',
  'auth',
  'billing',
  'gateway',
  'inventory',
  'chat'
];
const EN = [
  'disk space low on {h}',
  'mysql replication lag above {n} seconds on {h}',
  'TLS certificate for {s}.example.com expires in {n} days',
  '{s} connection pool exhausted',
  'redis memory usage high on {h}',
  'nginx returning 502 for {s}',
  'kafka consumer lag on {s} topic',
  '{s} api timeout after deploy',
  'rollback {s} release {n}',
  'DNS resolution failing for {s}.internal',
  'cpu spike on {h}',
  'pod crash loop in {s} namespace'
];
const ZH = [
  '{h} 磁盘空间不足',
  '{h} MySQL 主从延迟超过 {n} 秒',
  '{s}.example.com 证书 {n} 天后过期',
  '{s} 连接池耗尽',
  '{h} Redis 内存使用率过高',
  'nginx 对 {s} 返回 502',
  '{s} Kafka 消费积压',
  '{s} 发布后接口超时',
  '回滚 {s} 第 {n} 次发布',
  '{s}.internal 域名解析失败',
  '{h} CPU 飙升',
  '{s} 命名空间 Pod 反复重启'
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function ticket(i: number, random: () => number): string {
  const templates = random() < 0.5 ? EN : ZH;
  const s = SERVICES[Math.floor(random() * SERVICES.length)]!;
  const text = templates[Math.floor(random() * templates.length)]!.replace(
    '{h}',
    `${s}-db-${String(Math.floor(random() * 40)).padStart(2, '0')}`
  )
    .replace('{s}', s)
    .replace('{n}', String(Math.floor(random() * 500)));
  return `${text} #${i}`;
}

export async function measure(items: number, queries: number) {
  const embedder = new LexicalEmbedder();
  const random = rng(42);
  const texts = Array.from({ length: items }, (_, i) => ticket(i, random));
  await embedder.embed(texts.slice(0, 200)); // warm-up: the segmenter's dictionary
  const index = new VectorIndex('idf');
  const started = performance.now();
  for (let i = 0; i < texts.length; i += 1000) {
    const vectors = await embedder.embed(texts.slice(i, i + 1000));
    vectors.forEach((vector, j) =>
      index.upsert({
        type: 'task',
        id: String(i + j),
        itemKey: null,
        title: texts[i + j]!,
        status: 'open',
        finishedAt: null,
        vector: toIndexVector(vector)
      })
    );
  }
  const embedSeconds = (performance.now() - started) / 1000;
  const compileStart = performance.now();
  const [first] = await embedder.embed(['warm up']);
  index.search(toIndexVector(first!), 10);
  const compileMs = performance.now() - compileStart;
  const latencies: number[] = [];
  const queryRandom = rng(7);
  const cpuStart = process.cpuUsage();
  let walked = 0;
  for (let q = 0; q < queries; q++) {
    const text = ticket(items + q, queryRandom);
    const t0 = performance.now();
    // As `ai/similar` does it: embed the query, then search.
    const [vector] = await embedder.embed([text]);
    const exclude = String(q);
    index.search(toIndexVector(vector!), 10, (item) => item.id !== exclude);
    latencies.push(performance.now() - t0);
    walked += index.postingsWalked;
  }
  const cpu = process.cpuUsage(cpuStart);
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return {
    items,
    embeddingsPerSecond: Math.round(items / embedSeconds),
    compileMs: Math.round(compileMs),
    p50Ms: Number(at(0.5).toFixed(2)),
    p95Ms: Number(at(0.95).toFixed(2)),
    maxMs: Number(latencies.at(-1)!.toFixed(2)),
    /** CPU time per query (user + system): what the query costs, without the waits of a
     *  loaded machine. */
    cpuMsPerQuery: Number(((cpu.user + cpu.system) / 1000 / queries).toFixed(2)),
    /** Postings of the inverted index walked per query (the pruning skips the rest). */
    postingsPerQuery: Math.round(walked / queries),
    loadAverage: (await import('node:os')).loadavg()[0]!.toFixed(1),
    heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20)
  };
}
