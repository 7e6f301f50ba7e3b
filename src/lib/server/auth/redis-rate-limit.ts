/**
 * Rate limits shared by every node through Redis (REDIS_URL): one token bucket per key, taken
 * and refilled atomically by a Lua script on Redis's own clock (`TIME`), so nodes with skewed
 * clocks still agree. A bucket expires once it would be full again. The module needs only a
 * client that can `eval`, so it does not import the Redis library (composition-root.ts passes
 * an ioredis connection made with the fan-out's options).
 *
 * While Redis is unreachable every call fails fast and `takeToken` (rate-limit.ts) limits on the
 * node's own buckets instead. That is not silent: the first failure of an outage logs a warning,
 * the first success after it an info line (once each per outage, not per request), and each
 * check that fell back is counted (`fallbacks`, the metric
 * `runboard_rate_limit_fallbacks_total`, docs/metrics.md).
 */
import type { Logger } from '../log';
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
  /** Checks that failed here, so the caller limited on the node's own buckets (a counter). */
  fallbacks = 0;
  /** Whether the last call reached Redis: false from an outage's first failure to its end. */
  shared = true;

  constructor(
    private readonly redis: RedisEval,
    /** REDIS_PREFIX: nodes of one deployment share it, other deployments on the Redis do not. */
    private readonly prefix: string,
    private readonly logger?: Logger
  ) {}

  private key(key: string): string {
    return `${this.prefix}:ratelimit:${key}`;
  }

  async take(key: string, limit: RateLimit): Promise<number> {
    let wait: unknown;
    try {
      wait = await this.redis.eval(TAKE, 1, this.key(key), limit.burst, limit.refillMs);
    } catch (error) {
      // The caller falls back to the node's own bucket for this check (rate-limit.ts).
      this.fallbacks += 1;
      this.lost(error);
      throw error;
    }
    this.reached();
    return Number(wait);
  }

  async reset(key: string): Promise<void> {
    try {
      await this.redis.del(this.key(key));
    } catch (error) {
      this.lost(error);
      throw error;
    }
    this.reached();
  }

  /** A call failed: the first one of an outage says so, the others are counted only. */
  private lost(error: unknown): void {
    if (!this.shared) return;
    this.shared = false;
    this.logger?.warn(
      'rate limits: Redis unreachable, each node limits on its own buckets until it is back',
      { error: error instanceof Error ? error.message : String(error) }
    );
  }

  /** A call reached Redis: the end of an outage, if there was one. */
  private reached(): void {
    if (this.shared) return;
    this.shared = true;
    this.logger?.info('rate limits: Redis reachable again, the limits are shared by every node', {
      fallbacks: this.fallbacks
    });
  }
}
