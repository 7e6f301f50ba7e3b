/**
 * In-memory rate limiting (token buckets per key) for sign-in and setup. Limits are per node;
 * with several nodes each enforces its own, which still bounds guessing.
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
    private readonly limit: RateLimit,
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
