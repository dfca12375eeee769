import { randomUUID } from 'node:crypto';
import { createRedis } from '@slipway/queue';
import { requireTestEnv } from '@slipway/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from './rate-limiter';
import { log } from './log';

/** Two limiters are two gateway processes: they share nothing but Redis. */
describe('rate limits shared by gateway processes', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-rl-${randomUUID().slice(0, 8)}`;
  let redis: Redis;

  beforeAll(() => {
    redis = createRedis({ redisUrl: env.redisUrl, prefix });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const admitted = async (limiter: RateLimiter, key: string, rate: number) => (await limiter.take(key, rate)).ok;

  it('admits one burst in total across two processes, not one each', async () => {
    const [a, b] = [new RateLimiter(10_000, redis, prefix), new RateLimiter(10_000, redis, prefix)];
    const started = Date.now();
    let ok = 0;
    for (let i = 0; i < 60; i++) if (await admitted(i % 2 ? a : b, 'burst-key', 10)) ok++;
    const refilled = Math.ceil(((Date.now() - started) / 1000) * 10);
    // A one-second burst (10) plus what refilled meanwhile; per-process buckets would have let 20 through.
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(10 + refilled + 2);
  });

  it('holds a sustained overload spread over two processes to the rate, asking Redis once per batch', async () => {
    const rate = 2_000;
    const [a, b] = [new RateLimiter(10_000, redis, prefix), new RateLimiter(10_000, redis, prefix)];
    const evals = vi.spyOn(redis, 'eval');
    const started = Date.now();
    let ok = 0;
    let refused = 0;
    // 16 callers per process, each asking again as soon as it is answered, for 1.5 s.
    const callers = [a, b].flatMap((limiter) =>
      Array.from({ length: 16 }, async () => {
        while (Date.now() - started < 1_500) {
          const admission = await limiter.take('overload-key', rate);
          if (admission.ok) ok++;
          else {
            refused++;
            expect(admission.retryAfterMs).toBeGreaterThan(0);
          }
          await new Promise(setImmediate);
        }
      }),
    );
    await Promise.all(callers);
    const seconds = (Date.now() - started) / 1000;
    const batch = (rate * 50) / 1000;
    expect(refused).toBeGreaterThan(0);
    // At most the burst, the refill and one stranded batch per process; at least what the refill allowed
    // minus a batch per process still unspent at the end.
    expect(ok).toBeLessThanOrEqual(rate + rate * seconds + 2 * batch);
    expect(ok).toBeGreaterThanOrEqual(rate * seconds - 2 * batch);
    // The hot path stays in memory: Redis sees about one call per batch, not one per request.
    const calls = evals.mock.calls.length;
    expect(calls).toBeLessThan((ok + refused) / 10);
    evals.mockRestore();
  });

  it('counts each key on its own', async () => {
    const limiter = new RateLimiter(10_000, redis, prefix);
    for (let i = 0; i < 3; i++) expect(await admitted(limiter, 'key-one', 3)).toBe(true);
    expect(await admitted(limiter, 'key-one', 3)).toBe(false);
    expect(await admitted(limiter, 'key-two', 3)).toBe(true);
  });

  it('keeps limiting per process while Redis cannot be reached', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const errors = vi.spyOn(log, 'warn').mockImplementation(() => undefined);
    try {
      const limiter = new RateLimiter(10_000, unreachable, prefix);
      const answers = [];
      for (let i = 0; i < 8; i++) answers.push(await limiter.take('offline-key', 5));
      expect(answers.filter((a) => a.ok)).toHaveLength(5);
      expect(answers.at(-1)).toMatchObject({ ok: false });
      expect(errors).toHaveBeenCalledTimes(1);
    } finally {
      errors.mockRestore();
      unreachable.disconnect();
    }
  });
});
