/**
 * Rate limits shared by every node through Redis (REDIS_URL): one token bucket per key, taken
 * and refilled atomically by a Lua script on Redis's own clock (`TIME`), so nodes with skewed
 * clocks still agree. A bucket expires once it would be full again. The module needs only a
 * client that can `eval`, so it does not import the Redis library (composition-root.ts passes
 * an ioredis connection made with the fan-out's options).
 */
import type { RateLimit, SharedRateLimits } from './rate-limit';

/** The part of an ioredis client the limiter uses. */
export interface RedisEval {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
}

// KEYS[1]: the bucket; ARGV: burst, refillMs. Returns the milliseconds to wait, 0 when taken.
const TAKE = `
local burst = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(v[1]) or burst
local at = tonumber(v[2]) or now
local rate = burst / refill
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
return wait
`;

export class RedisRateLimits implements SharedRateLimits {
  constructor(
    private readonly redis: RedisEval,
    /** REDIS_PREFIX: nodes of one deployment share it, other deployments on the Redis do not. */
    private readonly prefix: string
  ) {}

  private key(key: string): string {
    return `${this.prefix}:ratelimit:${key}`;
  }

  async take(key: string, limit: RateLimit): Promise<number> {
    const wait = await this.redis.eval(TAKE, 1, this.key(key), limit.burst, limit.refillMs);
    return Number(wait);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }
}
