import { randomUUID } from 'node:crypto';
import { createRedis } from '@slipway/queue';
import { requireTestEnv } from '@slipway/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLocker } from './redis-locker';

/** Two lockers on their own connections stand for two web processes. */
describe('tus locks in Redis', () => {
  const env = requireTestEnv();
  const prefix = `slipway-test-lock-${randomUUID().slice(0, 8)}`;
  const connections: Redis[] = [];
  const connect = () => {
    const redis = createRedis({ redisUrl: env.redisUrl, prefix });
    connections.push(redis);
    return redis;
  };
  let first: RedisLocker;
  let second: RedisLocker;

  beforeAll(() => {
    first = new RedisLocker(connect(), prefix);
    second = new RedisLocker(connect(), prefix);
  });
  afterAll(() => {
    for (const redis of connections) redis.disconnect();
  });

  it('asks the holder on another process to let go, then hands the lock over', async () => {
    const id = randomUUID();
    const holder = first.newLock(id);
    const released: string[] = [];
    await holder.lock(new AbortController().signal, async () => {
      released.push('asked');
      await holder.unlock();
    });
    const next = second.newLock(id);
    await next.lock(new AbortController().signal, () => undefined);
    expect(released).toEqual(['asked']);
    expect(await connections[0]!.exists(first.key(id))).toBe(1);
    await next.unlock();
    expect(await connections[0]!.exists(first.key(id))).toBe(0);
  });

  it('frees the lock of a holder that died once it stops being extended', async () => {
    const id = randomUUID();
    const dying = new RedisLocker(connect(), prefix, { ttlMs: 300 });
    const lock = dying.newLock(id);
    // The holder never lets go (as if its process were gone) and its keep-alive stops.
    await lock.lock(new AbortController().signal, () => undefined);
    connections.at(-1)!.disconnect();
    const started = Date.now();
    await second.newLock(id).lock(new AbortController().signal, () => undefined);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps a held lock alive past its time to live, and gives up when the caller does', async () => {
    const id = randomUUID();
    const short = new RedisLocker(connect(), prefix, { ttlMs: 300, acquireTimeoutMs: 1_000 });
    const holder = short.newLock(id);
    await holder.lock(new AbortController().signal, () => undefined);
    const waiter = new RedisLocker(connect(), prefix, { acquireTimeoutMs: 1_000 }).newLock(id);
    // The holder ignores the request to release and keeps extending: the waiter times out.
    await expect(waiter.lock(new AbortController().signal, () => undefined)).rejects.toMatchObject({ status_code: 500 });
    const aborted = new AbortController();
    aborted.abort();
    await expect(waiter.lock(aborted.signal, () => undefined)).rejects.toMatchObject({ body: 'failed to acquire lock before timeout' });
    await holder.unlock();
    await waiter.lock(new AbortController().signal, () => undefined);
    await waiter.unlock();
  });
});
