import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Requests in flight per variant, published every second to a per-gateway Redis hash that
 * expires when the gateway dies; the autoscaler sums the hashes of all gateways.
 */
export class InFlightTracker {
  readonly gatewayId = randomUUID();
  private readonly counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  enter(variantId: string): void {
    this.counts.set(variantId, (this.counts.get(variantId) ?? 0) + 1);
  }

  leave(variantId: string): void {
    this.counts.set(variantId, (this.counts.get(variantId) ?? 1) - 1);
  }

  get(variantId: string): number {
    return this.counts.get(variantId) ?? 0;
  }

  start(redis: Redis, prefix: string, intervalMs = 1_000): void {
    const key = `${prefix}:inflight:${this.gatewayId}`;
    this.timer = setInterval(() => {
      if (this.counts.size === 0) return;
      const fields = [...this.counts].flatMap(([variant, n]) => [variant, String(n)]);
      redis
        .multi()
        .hset(key, ...fields)
        .pexpire(key, intervalMs * 5)
        .exec()
        .catch(() => undefined);
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
