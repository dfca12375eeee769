import { randomUUID } from 'node:crypto';
import { createRedis } from '@slipway/queue';
import { requireTestEnv } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginThrottle, type LoginThrottle } from './login-throttle';

describe('login throttle (real Redis)', () => {
  const prefix = `slipway-test-login-${randomUUID().slice(0, 8)}`;
  let redis: Redis;
  let throttle: LoginThrottle;

  beforeAll(() => {
    redis = createRedis({ redisUrl: requireTestEnv().redisUrl, prefix });
    throttle = createLoginThrottle(redis, { prefix, maxFailuresPerAccount: 3, maxFailuresPerAddress: 5, windowSeconds: 600 });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('locks an account after its failures, from any address, for the rest of the window', async () => {
    for (let i = 0; i < 2; i++) await throttle.recordFailure('alice@example.com', `10.0.0.${i}`);
    expect(await throttle.retryAfterSeconds('alice@example.com', '10.0.0.9')).toBe(0);
    await throttle.recordFailure('alice@example.com', '10.0.0.2');
    const wait = await throttle.retryAfterSeconds('alice@example.com', '10.0.0.9');
    expect(wait).toBeGreaterThan(590);
    expect(wait).toBeLessThanOrEqual(600);
    // Another account from the same addresses is not affected.
    expect(await throttle.retryAfterSeconds('bob@example.com', '10.0.0.0')).toBe(0);
  });

  it('locks an address that sprays many accounts, for every account', async () => {
    for (let i = 0; i < 5; i++) await throttle.recordFailure(`user${i}@example.com`, '192.0.2.7');
    expect(await throttle.retryAfterSeconds('someone-else@example.com', '192.0.2.7')).toBeGreaterThan(0);
    expect(await throttle.retryAfterSeconds('someone-else@example.com', '192.0.2.8')).toBe(0);
  });

  it('forgives an account on success, but not the address', async () => {
    for (let i = 0; i < 3; i++) await throttle.recordFailure('carol@example.com', '198.51.100.1');
    expect(await throttle.retryAfterSeconds('carol@example.com', '198.51.100.2')).toBeGreaterThan(0);
    await throttle.forgiveAccount('carol@example.com');
    expect(await throttle.retryAfterSeconds('carol@example.com', '198.51.100.2')).toBe(0);
  });

  it('keeps its counters under the prefix and never stores the email', async () => {
    await throttle.recordFailure('dave@example.com', '203.0.113.5');
    const keys = await redis.keys(`${prefix}:login-failures:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain('dave');
  });

  it('does not extend the window with later failures: it ends as the first failure set it', async () => {
    await throttle.recordFailure('erin@example.com', '203.0.113.6');
    const keys = await redis.keys(`${prefix}:login-failures:*`);
    // As if the window were almost over.
    for (const k of keys) await redis.expire(k, 100);
    await throttle.recordFailure('erin@example.com', '203.0.113.6');
    for (const k of keys) expect(await redis.ttl(k)).toBeLessThanOrEqual(100);
  });
});
