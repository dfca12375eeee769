import { TokenBucket } from '@slipway/core';
import type { Redis } from 'ioredis';
import { log } from './log';

export type Admission = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * The one bucket per API key, in Redis, shared by every gateway process: refills at `rate` per second up to
 * `burst`, hands out up to `want` tokens, and says how long until `want` would be there again. Redis's
 * clock, so gateways' clocks never disagree about the refill.
 */
const LEASE_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
local wait = 0
if granted < want then wait = math.ceil((want - granted - tokens) * 1000 / rate) end
return {granted, wait}
`;

/** What one gateway process holds for one API key. */
interface Lease {
  rate: number;
  /** Tokens leased from Redis and not yet spent. */
  tokens: number;
  /** Redis had nothing left: refuse locally until then instead of asking again per request. */
  deniedUntil: number;
  pending?: Promise<void>;
  /** Used only while Redis cannot be reached. */
  fallback?: TokenBucket;
}

/**
 * Rate limits per API key that hold across every gateway process. Requests spend tokens leased from the
 * shared bucket in batches of `leaseMs` worth of the key's rate; the next batch is fetched in the
 * background when half is spent, so a request waits on Redis only when its process holds no token at all.
 * Tolerance: no window admits more than one shared bucket would plus one batch per gateway process
 * (tokens leased by a process whose callers went elsewhere), and a sustained overload is held to the
 * rate exactly. If Redis cannot be reached, each process enforces the limit on its own.
 */
export class RateLimiter {
  private readonly leases = new Map<string, Lease>();
  private warned = false;

  constructor(
    private readonly defaultPerSecond: number,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly leaseMs = 50,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Spends a token this process holds, or refuses while the shared bucket is known to be empty, without waiting;
   * undefined when a lease must be fetched first (then `take`). Most requests end here, off Redis and off the microtask queue.
   */
  takeHeld(key: string, perSecond: number | null): Admission | undefined {
    const lease = this.leaseOf(key, perSecond ?? this.defaultPerSecond);
    if (lease.tokens >= 1) {
      lease.tokens -= 1;
      if (lease.tokens < this.batch(lease.rate) / 2) void this.lease(key, lease);
      return { ok: true };
    }
    const wait = lease.deniedUntil - this.clock();
    return wait > 0 ? { ok: false, retryAfterMs: wait } : undefined;
  }

  async take(key: string, perSecond: number | null): Promise<Admission> {
    // Each pass either spends a token, refuses, or leases (which grants a token or sets deniedUntil).
    for (;;) {
      const admission = this.takeHeld(key, perSecond);
      if (admission) return admission;
      await this.lease(key, this.leaseOf(key, perSecond ?? this.defaultPerSecond));
    }
  }

  private leaseOf(key: string, rate: number): Lease {
    let lease = this.leases.get(key);
    if (!lease || lease.rate !== rate) {
      lease = { rate, tokens: 0, deniedUntil: 0 };
      this.leases.set(key, lease);
    }
    return lease;
  }

  /** Tokens fetched at once: `leaseMs` worth of the rate, within a one-second burst. */
  private batch(rate: number): number {
    return Math.max(1, Math.min(Math.max(1, rate), Math.ceil((rate * this.leaseMs) / 1000)));
  }

  /** One request to Redis at a time per key; concurrent callers share it. */
  private lease(key: string, lease: Lease): Promise<void> {
    lease.pending ??= this.fetch(key, lease).finally(() => {
      lease.pending = undefined;
    });
    return lease.pending;
  }

  private async fetch(key: string, lease: Lease): Promise<void> {
    const want = this.batch(lease.rate);
    // A one-second burst lets clients that batch their calls through.
    const burst = Math.max(1, lease.rate);
    try {
      const [granted, waitMs] = (await this.redis.eval(LEASE_SCRIPT, 1, `${this.prefix}:ratelimit:${key}`, lease.rate, burst, want)) as [number, number];
      lease.tokens += granted;
      if (granted < want) lease.deniedUntil = this.clock() + Math.max(1, waitMs);
    } catch (error) {
      if (!this.warned) log.warn({ error: String(error) }, 'rate limits are per process until Redis answers again');
      this.warned = true;
      lease.fallback ??= new TokenBucket(lease.rate, burst, this.clock());
      const taken = lease.fallback.take(this.clock());
      if (taken.ok) lease.tokens += 1;
      else lease.deniedUntil = this.clock() + Math.max(1, taken.retryAfterMs);
      return;
    }
    this.warned = false;
  }
}
