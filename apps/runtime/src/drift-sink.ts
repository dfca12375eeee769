import type { ModelSignature } from '@slipway/core';
import { JobProducer } from '@slipway/queue';
import { Redis } from 'ioredis';
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
  // One retry, not BullMQ's default of waiting forever: a stuck enqueue would hold windows in memory.
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const producer = new JobProducer(redis, { redisUrl: env.REDIS_URL, prefix: env.SLIPWAY_PREFIX });
  const collector = new DriftCollector({
    ...model,
    windowMs: env.SLIPWAY_DRIFT_WINDOW_MS,
    sink: (window) => producer.enqueue('recordDriftWindow', { ...window, variantId, replicaId: env.SLIPWAY_REPLICA_ID }),
    onError: (error) => log('drift window dropped', { reason: error instanceof Error ? error.message : String(error) }),
  });
  collector.start();
  return {
    collector,
    async close() {
      await collector.stop();
      await producer.close().catch(() => undefined);
      redis.disconnect();
    },
  };
}
