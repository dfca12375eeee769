import type { ModelSignature } from '@slipway/core';
import { DriftCollector } from './drift-collector';
import type { RuntimeEnv } from './env';

/**
 * Starts drift collection when the driver named this replica's variant: each closed window becomes a
 * `recordDriftWindow` job. A window that cannot be enqueued (Redis down) is dropped and logged; serving never waits.
 */
export function startDriftCollection(
  env: RuntimeEnv,
  model: { signature: ModelSignature; featureNames?: readonly string[] },
  log: (msg: string, fields?: Record<string, unknown>) => void,
): { collector: DriftCollector; close(): Promise<void> } | undefined {
  const variantId = env.SLIPWAY_VARIANT_ID;
  if (!variantId || env.SLIPWAY_DRIFT_WINDOW_MS === 0) return undefined;
  // BullMQ and ioredis load in the background: the replica's cold start (scale from zero) does not wait for them.
  const connecting = (async () => {
    const [{ JobProducer }, { Redis }] = await Promise.all([import('@slipway/queue'), import('ioredis')]);
    // One retry, not BullMQ's default of waiting forever: a stuck enqueue would hold windows in memory.
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {});
    return { redis, producer: new JobProducer(redis, { redisUrl: env.REDIS_URL, prefix: env.SLIPWAY_PREFIX }) };
  })();
  // A failed import or connection surfaces in each window's sink (logged there), never as an unhandled rejection.
  connecting.catch(() => undefined);
  const collector = new DriftCollector({
    ...model,
    windowMs: env.SLIPWAY_DRIFT_WINDOW_MS,
    sink: async (window) => (await connecting).producer.enqueue('recordDriftWindow', { ...window, variantId, replicaId: env.SLIPWAY_REPLICA_ID }),
    onError: (error) => log('drift window dropped', { reason: error instanceof Error ? error.message : String(error) }),
  });
  collector.start();
  return {
    collector,
    async close() {
      await collector.stop();
      const connection = await connecting.catch(() => undefined);
      await connection?.producer.close().catch(() => undefined);
      connection?.redis.disconnect();
    },
  };
}
