import { at } from './invariant';

/**
 * Fixed-bucket latency histogram. Bucket bounds are shared by the gateway (which records),
 * the rollup rows (which store counts) and the dashboards (which read percentiles), so
 * histograms from any window or replica can be summed bucket by bucket.
 */

/** Upper bounds in milliseconds, roughly 10% apart from 0.05 ms to 60 s; the last bucket is +Inf. */
export const LATENCY_BUCKETS_MS: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let b = 0.05; b < 60_000; b *= 1.1) bounds.push(Number(b.toPrecision(4)));
  bounds.push(60_000);
  return bounds;
})();

/** Number of counters in a histogram: one per bound plus the overflow bucket. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKETS_MS.length + 1;

export function bucketIndex(valueMs: number, bounds: readonly number[] = LATENCY_BUCKETS_MS): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueMs <= at(bounds, mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class LatencyHistogram {
  readonly counts: number[];
  count = 0;
  errors = 0;
  sumMs = 0;

  constructor(readonly bounds: readonly number[] = LATENCY_BUCKETS_MS) {
    this.counts = new Array(bounds.length + 1).fill(0);
  }

  record(valueMs: number, isError = false): void {
    const bucket = bucketIndex(valueMs, this.bounds);
    this.counts[bucket] = at(this.counts, bucket) + 1;
    this.count++;
    this.sumMs += valueMs;
    if (isError) this.errors++;
  }

  percentile(p: number): number | null {
    return percentileFromBuckets(this.counts, p, this.bounds);
  }
}

/**
 * The p-th percentile (0..100) of a bucketed distribution, linearly interpolated inside
 * its bucket; null for an empty histogram. Overflow reports the last finite bound.
 */
export function percentileFromBuckets(counts: readonly number[], p: number, bounds: readonly number[] = LATENCY_BUCKETS_MS): number | null {
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [i, count] of counts.entries()) {
    if (count === 0) continue;
    if (seen + count >= rank) {
      const upper = bounds[i];
      if (upper === undefined) return bounds.at(-1) ?? null;
      const lower = bounds[i - 1] ?? 0;
      const fraction = (rank - seen) / count;
      return lower + (upper - lower) * fraction;
    }
    seen += count;
  }
  return bounds.at(-1) ?? null;
}

/** Element-wise sum of histograms with the same bounds (e.g. rollup rows of one minute). */
export function mergeBuckets(target: number[], source: readonly number[]): number[] {
  if (target.length !== source.length) throw new RangeError('histograms have different bucket counts');
  for (const [i, count] of source.entries()) target[i] = at(target, i) + count;
  return target;
}
