import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_MS, LatencyHistogram, bucketIndex, mergeBuckets, percentileFromBuckets } from './histogram';
import { at } from './invariant';

describe('latency histogram', () => {
  it('returns null percentiles when nothing was recorded', () => {
    expect(new LatencyHistogram().percentile(50)).toBeNull();
  });

  it('places values in the first bucket whose bound is not below them', () => {
    const i = bucketIndex(1);
    expect(LATENCY_BUCKETS_MS[i]).toBeGreaterThanOrEqual(1);
    expect(LATENCY_BUCKETS_MS[i - 1] ?? 0).toBeLessThan(1);
    expect(bucketIndex(1e9)).toBe(LATENCY_BUCKETS_MS.length);
  });

  it('estimates percentiles within one bucket width (10%) of the exact value', () => {
    const h = new LatencyHistogram();
    const values = Array.from({ length: 1000 }, (_, k) => 0.5 + k * 0.01); // 0.5 .. 10.49 ms
    for (const v of values) h.record(v);
    for (const [p, exact] of [
      [50, at(values, 499)],
      [95, at(values, 949)],
      [99, at(values, 989)],
    ] as const) {
      const estimate = h.percentile(p)!;
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.1);
    }
    expect(h.count).toBe(1000);
  });

  it('orders p50 ≤ p95 ≤ p99 for a skewed distribution', () => {
    const h = new LatencyHistogram();
    for (let k = 0; k < 990; k++) h.record(1);
    for (let k = 0; k < 10; k++) h.record(200);
    const [p50, p95, p99, p999] = [50, 95, 99, 99.9].map((p) => h.percentile(p) ?? Number.NaN) as [number, number, number, number];
    expect(p50).toBeLessThanOrEqual(1.1);
    expect(p95).toBeLessThanOrEqual(p99);
    expect(p999).toBeGreaterThan(150);
  });

  it('sums histograms bucket by bucket so windows can be merged', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(2);
    b.record(2);
    b.record(50);
    const merged = mergeBuckets([...a.counts], b.counts);
    expect(merged.reduce((x, y) => x + y, 0)).toBe(3);
    expect(percentileFromBuckets(merged, 100)).toBeGreaterThan(40);
    expect(() => mergeBuckets([1], b.counts)).toThrow(RangeError);
  });
});
