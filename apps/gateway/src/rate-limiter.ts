import { TokenBucket } from '@slipway/core';

/** One token bucket per API key, in memory: the hot path never asks Redis. */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly defaultPerSecond: number) {}

  take(key: string, perSecond: number | null): { ok: true } | { ok: false; retryAfterMs: number } {
    const rate = perSecond ?? this.defaultPerSecond;
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.ratePerSecond !== rate) {
      // A one-second burst lets clients that batch their calls through.
      bucket = new TokenBucket(rate, Math.max(1, rate), Date.now());
      this.buckets.set(key, bucket);
    }
    return bucket.take(Date.now());
  }
}
