import { LatencyHistogram } from '@slipway/core';
import type { Db } from '@slipway/db';
import { ofExistingVariants, type RollupSource } from './rollups';

interface VariantWindow {
  histogram: LatencyHistogram;
  /** 4xx: the histogram's `errors` counts 5xx only. */
  clientErrors: number;
}

/**
 * Per-variant latency histograms kept in memory and written as one rollup row per variant
 * per window, so the database sees a few rows every few seconds, never a row per request.
 */
export class LatencyRecorder implements RollupSource {
  private current = new Map<string, VariantWindow>();
  private windowStart = new Date();

  constructor(private readonly db: Db) {}

  /** `status`: what the caller was answered; 5xx count as errors, 4xx as client errors. */
  record(variantId: string, latencyMs: number, status: number): void {
    let window = this.current.get(variantId);
    if (!window) {
      window = { histogram: new LatencyHistogram(), clientErrors: 0 };
      this.current.set(variantId, window);
    }
    window.histogram.record(latencyMs, status >= 500);
    if (status >= 400 && status < 500) window.clientErrors++;
  }

  async flush(windowEnd = new Date()): Promise<number> {
    const windows = this.current;
    const windowStart = this.windowStart;
    this.current = new Map();
    this.windowStart = windowEnd;
    if (windows.size === 0) return 0;
    const rows = [...windows].map(([variantId, { histogram: h, clientErrors }]) => ({
      variantId,
      windowStart,
      windowEnd,
      count: h.count,
      errors: h.errors,
      clientErrors,
      sumMs: h.sumMs,
      buckets: h.counts,
    }));
    const { count } = await this.db.latencyRollup.createMany({ data: await ofExistingVariants(this.db, rows) });
    return count;
  }
}
