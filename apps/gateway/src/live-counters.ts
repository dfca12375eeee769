import { bucketIndex, LATENCY_BUCKET_COUNT } from '@slipway/core';
import { addLiveCounts, guardrailChannel } from '@slipway/queue';
import type { Redis } from 'ioredis';
import { log } from './log';

interface Delta {
  count: number;
  errors: number;
  buckets: number[];
}

/**
 * What this gateway answered per variant, added to the shared live counters in Redis every `intervalMs`
 * (see `@slipway/queue` live-counts): the canary guardrail reads them within a fraction of a second instead
 * of waiting for the 5 s rollups. When a canary candidate failed requests, the controllers are nudged to
 * judge its step now.
 */
export class LiveCounters {
  private pending = new Map<string, Delta>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  /** `canaryOf`: the deployment whose canary step judges this variant as a candidate, if any. */
  constructor(
    private readonly redis: Pick<Redis, 'pipeline'>,
    private readonly prefix: string,
    private readonly canaryOf: (variantId: string) => string | undefined,
  ) {}

  /** One answered attempt: 5xx count as errors (what the guardrail compares). */
  record(variantId: string, status: number, latencyMs: number): void {
    let delta = this.pending.get(variantId);
    if (!delta) {
      delta = { count: 0, errors: 0, buckets: new Array<number>(LATENCY_BUCKET_COUNT).fill(0) };
      this.pending.set(variantId, delta);
    }
    delta.count++;
    if (status >= 500) delta.errors++;
    delta.buckets[bucketIndex(latencyMs)]!++;
  }

  start(intervalMs = 100): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Sends what was counted since the last flush in one round trip (one flush at a time). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.send());
    return this.flushing;
  }

  private async send(): Promise<void> {
    if (this.pending.size === 0) return;
    const deltas = this.pending;
    this.pending = new Map();
    const pipeline = this.redis.pipeline();
    const nudged = new Set<string>();
    for (const [variantId, delta] of deltas) {
      addLiveCounts(pipeline, this.prefix, variantId, delta);
      const deploymentId = delta.errors > 0 ? this.canaryOf(variantId) : undefined;
      if (deploymentId) nudged.add(deploymentId);
    }
    for (const deploymentId of nudged) pipeline.publish(guardrailChannel(this.prefix), JSON.stringify({ deploymentId }));
    await pipeline.exec().catch((err) => log.warn({ err }, 'publishing live counters failed'));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
