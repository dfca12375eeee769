import { LatencyHistogram } from '@slipway/core';
import type { Db } from '@slipway/db';
import { ofExistingVariants, type RollupSource } from './rollups';

/**
 * Per-variant latency histograms kept in memory and written as one rollup row per variant
 * per window, so the database sees a few rows every few seconds, never a row per request.
 */
export class LatencyRecorder implements RollupSource {
  private current = new Map<string, LatencyHistogram>();
  private windowStart = new Date();

  constructor(private readonly db: Db) {}

  record(variantId: string, latencyMs: number, isError: boolean): void {
    let histogram = this.current.get(variantId);
    if (!histogram) {
      histogram = new LatencyHistogram();
      this.current.set(variantId, histogram);
    }
    histogram.record(latencyMs, isError);
  }

  async flush(windowEnd = new Date()): Promise<number> {
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
    const { count } = await this.db.latencyRollup.createMany({ data: await ofExistingVariants(this.db, rows) });
    return count;
  }
}
