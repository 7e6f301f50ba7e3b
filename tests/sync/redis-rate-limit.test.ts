/**
 * The rate-limit buckets shared through Redis (auth/redis-rate-limit.ts) on a real redis-server
 * of the test's own: two nodes' connections take from one bucket, it refills on Redis's clock and
 * its key expires once full again; while Redis is down `takeToken` falls back to the node's own
 * in-memory bucket, and uses the shared one again when Redis is back.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimiter, takeToken } from '../../src/lib/server/auth/rate-limit';
import { RedisRateLimits } from '../../src/lib/server/auth/redis-rate-limit';
import { startOwnRedis } from '../helpers/redis';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A connection made like composition-root's: no offline queue, so an outage fails at once. */
function connection(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50
  });
  redis.on('error', () => undefined);
  cleanups.push(() => redis.disconnect());
  return redis;
}

async function ready(redis: Redis) {
  const deadline = Date.now() + 10_000;
  while (redis.status !== 'ready') {
    if (Date.now() > deadline) throw new Error('redis not ready');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('rate limits shared through Redis', () => {
  it('one bucket for two nodes, refilled on Redis’s clock, local while Redis is down', async () => {
    const server = await startOwnRedis();
    cleanups.push(() => server.stop());
    const [one, two] = [connection(server.url), connection(server.url)];
    await Promise.all([ready(one), ready(two)]);
    const shared = [new RedisRateLimits(one, 'p1'), new RedisRateLimits(two, 'p1')];
    const limit = { burst: 2, refillMs: 600 };

    expect(await shared[0]!.take('login:k', limit)).toBe(0);
    expect(await shared[1]!.take('login:k', limit)).toBe(0);
    const wait = await shared[0]!.take('login:k', limit);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(300);
    // Another prefix (another deployment on the same Redis) has its own bucket.
    expect(await new RedisRateLimits(one, 'p2').take('login:k', limit)).toBe(0);
    const ttl = await one.pttl('p1:ratelimit:login:k');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600 + 1_000);
    await new Promise((resolve) => setTimeout(resolve, wait + 50));
    expect(await shared[1]!.take('login:k', limit)).toBe(0);
    await shared[0]!.reset('login:k');
    expect(await one.exists('p1:ratelimit:login:k')).toBe(0);

    // Redis down: each node limits with its own bucket.
    const local = new RateLimiter({ burst: 1, refillMs: 60_000 });
    const sharedLimit = { burst: 1, refillMs: 60_000 };
    const viaShared = new RateLimiter(sharedLimit);
    expect(await takeToken(shared[0], 'x', viaShared, 'k')).toBe(0);
    expect(await takeToken(shared[1], 'x', new RateLimiter(sharedLimit), 'k')).toBeGreaterThan(0);
    await server.stop();
    expect(await takeToken(shared[0], 'x', local, 'k')).toBe(0);
    expect(await takeToken(shared[0], 'x', local, 'k')).toBeGreaterThan(0);
    // Back: the shared bucket again (a fresh Redis without persistence: a full bucket).
    await server.start();
    await Promise.all([ready(one), ready(two)]);
    expect(await takeToken(shared[1], 'x', local, 'k')).toBe(0);
    expect(await takeToken(shared[0], 'x', local, 'k')).toBeGreaterThan(0);
  });
});
