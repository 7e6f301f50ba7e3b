/**
 * The shared rate limits' fallback is not silent (auth/redis-rate-limit.ts): a node on
 * PostgreSQL and a Redis of the test's own limits through Redis; with Redis stopped every check
 * falls back to the node's own buckets, the first one logs a warning (once for the whole
 * outage, not per check) and each is counted in `runboard_rate_limit_fallbacks_total` with the
 * node's name; with Redis back the next check is shared again and logs one info line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime } from '../../entries/composition-root';
import { RateLimiter, takeToken } from '../../src/lib/server/auth/rate-limit';
import type { RedisRateLimits } from '../../src/lib/server/auth/redis-rate-limit';
import type { Logger } from '../../src/lib/server/log';
import type { Runtime } from '../../src/lib/server/runtime';
import { TEST_SECRET_KEY, databaseTargetFor } from '../helpers/database';
import { startOwnRedis, uniqueRedisPrefix, type OwnRedis } from '../helpers/redis';
import { tempDataDir } from '../helpers/sync-server';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A logger that keeps what it is told. */
function capturingLogger() {
  const lines: { level: string; message: string }[] = [];
  const keep = (level: string) => (message: string) => void lines.push({ level, message });
  const logger: Logger = {
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error')
  };
  return {
    logger,
    rateLimitLines: () => lines.filter((l) => l.message.startsWith('rate limits:'))
  };
}

async function fallbacksScraped(runtime: Runtime): Promise<string[]> {
  const { body } = await runtime.metrics.exposition();
  return body.split('\n').filter((line) => line.startsWith('runboard_rate_limit_fallbacks_total'));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('shared rate limits while Redis is down', () => {
  it('fall back to the node’s own buckets, warn once per outage, count it, and say when back', async () => {
    const redis: OwnRedis = await startOwnRedis();
    cleanups.push(() => redis.stop());
    const dataDir = tempDataDir('runboard-rl-fallback-');
    const target = await databaseTargetFor(dataDir, 'postgres');
    if (!('databaseUrl' in target)) throw new Error('expected PostgreSQL');
    const { logger, rateLimitLines } = capturingLogger();
    const runtime = await createRuntime(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir,
        logLevel: 'error',
        origin: undefined,
        nodeName: 'rl-node',
        databaseUrl: target.databaseUrl,
        secretKey: Buffer.from(TEST_SECRET_KEY, 'base64'),
        redis: { url: redis.url, prefix: uniqueRedisPrefix() }
      },
      { logger }
    );
    cleanups.push(() => runtime.close());
    const local = new RateLimiter({ burst: 100, refillMs: 60_000 });
    const take = () => takeToken(runtime.rateLimits, 'login-ip', local, '192.0.2.7');

    // Shared once the connection is up (a check before that falls back, and says so).
    const shared = runtime.rateLimits as RedisRateLimits;
    await until('Redis reachable', async () => {
      await take();
      return shared.shared;
    });
    const said = rateLimitLines().length;
    expect(said === 0 || rateLimitLines().at(-1)!.level === 'info').toBe(true);
    const [first] = await fallbacksScraped(runtime);
    const before = Number(first!.split(' ')[1]);
    expect(first).toBe(`runboard_rate_limit_fallbacks_total{node="rl-node"} ${before}`);
    for (let i = 0; i < 3; i++) await take();
    expect(rateLimitLines()).toHaveLength(said);

    // Redis gone: every check still answers (from the node's own bucket), one warning for all.
    await redis.stop();
    for (let i = 0; i < 5; i++) expect(await take()).toBe(0);
    expect(rateLimitLines().slice(said)).toEqual([
      {
        level: 'warn',
        message:
          'rate limits: Redis unreachable, each node limits on its own buckets until it is back'
      }
    ]);
    expect(await fallbacksScraped(runtime)).toEqual([
      `runboard_rate_limit_fallbacks_total{node="rl-node"} ${before + 5}`
    ]);

    // Back: the next check that reaches Redis says so once; the count stays.
    await redis.start();
    await until('shared again', async () => {
      await take();
      return rateLimitLines().length === said + 2;
    });
    for (let i = 0; i < 3; i++) await take();
    const lines = rateLimitLines().slice(said);
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(lines[1]!.message).toBe(
      'rate limits: Redis reachable again, the limits are shared by every node'
    );
    const [after] = await fallbacksScraped(runtime);
    const counted = Number(after!.split(' ')[1]);
    // The 5 above plus the checks made while ioredis was still reconnecting.
    expect(counted).toBeGreaterThanOrEqual(before + 5);
    expect(await fallbacksScraped(runtime)).toEqual([
      `runboard_rate_limit_fallbacks_total{node="rl-node"} ${counted}`
    ]);

    // A second outage warns again (once per outage, not once per process).
    await redis.stop();
    await take();
    await take();
    expect(
      rateLimitLines()
        .slice(said)
        .map((l) => l.level)
    ).toEqual(['warn', 'info', 'warn']);
  }, 60_000);
});
