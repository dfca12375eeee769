// Rate limits shared by gateway processes: one API key's callers spread over 1 (the baseline), 2 and 4
// limiters (each a gateway process's, here in one process), all leasing from the same Redis bucket.
// Reports what was admitted against what one bucket allows (burst + rate × seconds), and how many
// requests each Redis call served (the hot path's distance from Redis).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiter } from '../apps/gateway/src/rate-limiter';
import type { PlatformEnv } from '../scripts/lib/platform';

const SECONDS = 3;
const CALLERS_PER_PROCESS = 16;

export async function benchRateLimit(env: PlatformEnv): Promise<void> {
  const redis = new Redis(env.redisUrl);
  const prefix = `${env.prefix}:bench-${randomUUID().slice(0, 8)}`;
  let calls = 0;
  const counted = new Proxy(redis, {
    get: (target, property, receiver) => {
      if (property === 'eval') calls++;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const rows = [];
  try {
    for (const rate of [100, 2_000]) {
      let baseline = 0;
      for (const processes of [1, 2, 4]) {
        const limiters = Array.from({ length: processes }, () => new RateLimiter(10_000, counted, prefix));
        const key = `key-${rate}-${processes}`;
        calls = 0;
        let admitted = 0;
        let refused = 0;
        const started = Date.now();
        await Promise.all(
          limiters.flatMap((limiter) =>
            Array.from({ length: CALLERS_PER_PROCESS }, async () => {
              while (Date.now() - started < SECONDS * 1000) {
                if ((await limiter.take(key, rate)).ok) admitted++;
                else refused++;
                await new Promise(setImmediate);
              }
            }),
          ),
        );
        const allowed = rate + (rate * (Date.now() - started)) / 1000;
        const ofBucket = admitted / allowed;
        if (processes === 1) baseline = ofBucket;
        rows.push({
          rate,
          processes,
          admitted,
          'one bucket allows': Math.round(allowed),
          'admitted / allowed': ofBucket.toFixed(3),
          'vs 1 process': (ofBucket / baseline).toFixed(3),
          'requests per Redis call': ((admitted + refused) / calls).toFixed(0),
        });
      }
    }
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
  console.table(rows);
}
