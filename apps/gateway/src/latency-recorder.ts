import { LatencyHistogram } from '@slipway/core';
import type { Db } from '@slipway/db';

/**
 * Per-variant latency histograms kept in memory and written as one rollup row per variant
 * per window, so the database sees a few rows every few seconds, never a row per request.
 */
export class LatencyRecorder {
  private current = new Map<string, LatencyHistogram>();
  private windowStart = new Date();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  record(variantId: string, latencyMs: number, isError: boolean): void {
    let histogram = this.current.get(variantId);
    if (!histogram) {
      histogram = new LatencyHistogram();
      this.current.set(variantId, histogram);
    }
    histogram.record(latencyMs, isError);
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush().catch((e) => console.error('rollup flush failed', e)), intervalMs);
    this.timer.unref();
  }

  async flush(): Promise<number> {
    const windowEnd = new Date();
    const histograms = this.current;
    const windowStart = this.windowStart;
    this.current = new Map();
    this.windowStart = windowEnd;
    if (histograms.size === 0) return 0;
    const rows = [...histograms].map(([variantId, h]) => ({
      variantId,
      windowStart,
      windowEnd,
      count: h.count,
      errors: h.errors,
      sumMs: h.sumMs,
      buckets: h.counts,
    }));
    // A variant deleted meanwhile would fail the whole insert: keep only existing ones.
    const existing = await this.db.variant.findMany({ where: { id: { in: rows.map((r) => r.variantId) } }, select: { id: true } });
    const ids = new Set(existing.map((v) => v.id));
    const { count } = await this.db.latencyRollup.createMany({ data: rows.filter((r) => ids.has(r.variantId)) });
    return count;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
