/**
 * Rate limiting (token buckets per key) for sign-in, setup, sign-up, password changes and alert
 * intake. In memory on one node (`RateLimiter`); with several nodes (REDIS_URL) the buckets are
 * shared through Redis (`SharedRateLimits`, auth/redis-rate-limit.ts), so N nodes allow the
 * same burst as one, not N times it. `takeToken` picks the shared buckets when there are some
 * and falls back to the node's own while Redis is unreachable.
 */
export interface RateLimit {
  /** Requests allowed in a burst. */
  burst: number;
  /** Window in which `burst` tokens refill, in milliseconds. */
  refillMs: number;
}

export const authLimits = {
  loginPerIp: { burst: 20, refillMs: 60_000 },
  loginPerAccount: { burst: 10, refillMs: 15 * 60_000 },
  setupPerIp: { burst: 10, refillMs: 60_000 },
  /** Largest number of keys a limiter keeps before dropping the oldest. */
  maxKeys: 50_000
} as const;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** A token-bucket limiter over string keys. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = Date.now
  ) {}

  /** Takes one token for `key`; returns the milliseconds to wait when none is left, else 0. */
  take(key: string): number {
    const now = this.now();
    const rate = this.limit.burst / this.limit.refillMs;
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, updatedAt: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.updatedAt) * rate);
    bucket.updatedAt = now;
    // Re-insert so the map stays ordered by last use; the oldest entries are dropped first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size > authLimits.maxKeys) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / rate);
  }

  /** Forgets a key (after a successful sign-in). */
  reset(key: string): void {
    this.buckets.delete(key);
  }
}

/** Token buckets every node shares (Redis). Keys are namespaced by the caller. */
export interface SharedRateLimits {
  /** Takes one token of `limit` for `key`; returns the milliseconds to wait when none is left, else 0. */
  take(key: string, limit: RateLimit): Promise<number>;
  /** Forgets a key on every node. */
  reset(key: string): Promise<void>;
}

/**
 * Takes one token for `key` from the limiter named `name`: from the shared buckets when given
 * (every node counts against them), else (or when the shared store fails) from the node's own.
 */
export async function takeToken(
  shared: SharedRateLimits | null | undefined,
  name: string,
  local: RateLimiter,
  key: string
): Promise<number> {
  if (shared) {
    try {
      return await shared.take(`${name}:${key}`, local.limit);
    } catch {
      // Redis unreachable: each node limits on its own until it is back.
    }
  }
  return local.take(key);
}

/** Forgets `key` in the limiter named `name`, shared and local. */
export async function resetToken(
  shared: SharedRateLimits | null | undefined,
  name: string,
  local: RateLimiter,
  key: string
): Promise<void> {
  local.reset(key);
  if (shared) await shared.reset(`${name}:${key}`).catch(() => undefined);
}
