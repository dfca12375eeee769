import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LoginThrottleOptions {
  /** The deployment's Redis key prefix (SLIPWAY_PREFIX), so test runs and installations never share counters. */
  prefix: string;
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

export interface LoginThrottle {
  /** Seconds until this account may try again from this address; 0 when it may try now. */
  retryAfterSeconds(account: string, address: string): Promise<number>;
  recordFailure(account: string, address: string): Promise<void>;
  /** A successful sign-in forgives the account's failures (not the address's: one good login must not reset a spray). */
  forgiveAccount(account: string): Promise<void>;
}

/**
 * Failed sign-ins counted in Redis, per account and per client address, in a fixed window that starts
 * at the first failure: every web process sees the same counts. Keys hold a hash, never the email.
 */
export function createLoginThrottle(redis: Redis, options: LoginThrottleOptions): LoginThrottle {
  const key = (kind: 'account' | 'address', id: string) => `${options.prefix}:login-failures:${kind}:${createHash('sha256').update(id).digest('hex')}`;

  return {
    async retryAfterSeconds(account, address) {
      const accountKey = key('account', account);
      const addressKey = key('address', address);
      const replies = (await redis.multi().get(accountKey).pttl(accountKey).get(addressKey).pttl(addressKey).exec()) ?? [];
      const [accountCount = 0, accountTtl = 0, addressCount = 0, addressTtl = 0] = replies.map(([error, value]) => {
        if (error) throw error;
        return Number(value ?? 0);
      });
      const waits = [accountCount >= options.maxFailuresPerAccount ? accountTtl : 0, addressCount >= options.maxFailuresPerAddress ? addressTtl : 0];
      return Math.ceil(Math.max(0, ...waits) / 1000);
    },

    async recordFailure(account, address) {
      const multi = redis.multi();
      for (const k of [key('account', account), key('address', address)]) multi.incr(k).expire(k, options.windowSeconds, 'NX');
      await multi.exec();
    },

    async forgiveAccount(account) {
      await redis.del(key('account', account));
    },
  };
}
