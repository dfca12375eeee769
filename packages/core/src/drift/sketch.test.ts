import { describe, expect, it } from 'vitest';
import { BIN_LIMIT, CategoryCounts, MAX_CATEGORIES, mergeSketches, NumericSketch, OTHER_CATEGORY, featureSketchSchema } from './sketch';

/** A deterministic stream uniform on (-100, 100) (mulberry32: the same numbers every run). */
function* stream(n: number, seed = 1) {
  let a = seed;
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    yield (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 200 - 100;
  }
}

describe('sketches', () => {
  it('answers quantiles within 1 % of the exact value, negatives included', () => {
    const values = [...stream(20_000)];
    const sketch = new NumericSketch();
    for (const v of values) sketch.add(v);
    const sorted = values.sort((a, b) => a - b);
    for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
      const exact = sorted[Math.round(q * (sorted.length - 1))]!;
      expect(Math.abs(sketch.quantile(q) - exact)).toBeLessThanOrEqual(Math.abs(exact) * 0.01 + 1e-9);
    }
  });

  it('merges windows into the same sketch as one window over all values, through JSON', () => {
    const all = new NumericSketch();
    const windows = [new NumericSketch(), new NumericSketch(), new NumericSketch()];
    let i = 0;
    for (const v of stream(3000, 7)) {
      all.add(v);
      windows[i++ % 3]!.add(v);
    }
    windows[1]!.add(NaN);
    const serialised = windows.map((w) => featureSketchSchema.parse(JSON.parse(JSON.stringify(w))));
    const merged = mergeSketches(serialised) as NumericSketch;
    expect(merged.count).toBe(3000);
    expect(merged.missing).toBe(1);
    expect(merged.min).toBe(all.min);
    expect(merged.max).toBe(all.max);
    expect(merged.mean).toBeCloseTo(all.mean, 9);
    expect(merged.std).toBeCloseTo(all.std, 6);
    for (const q of [0.05, 0.5, 0.95]) expect(merged.quantile(q)).toBe(all.quantile(q));
    expect(merged.histogram([-50, 0, 50])).toEqual(all.histogram([-50, 0, 50]));
  });

  it('counts values on a decile edge in the bin the edge opens, like the exact reference does', () => {
    // Discrete data (iris measurements to one decimal) sits on its own decile edges.
    const values = [2.9, 3.0, 3.0, 3.0, 3.1, 3.2, 3.2, 3.4, -1.5, -1.5];
    const sketch = new NumericSketch();
    for (const v of values) sketch.add(v);
    const edges = [-1.5, 3.0, 3.2, 3.4];
    // Exact: [-1.5, 3.0) holds -1.5, -1.5, 2.9; [3.0, 3.2) holds 3.0 ×3 and 3.1; [3.2, 3.4] holds 3.2 ×2 and 3.4.
    expect(sketch.histogram(edges)).toEqual([3, 4, 3]);
  });

  it('counts values outside a range to its accuracy, never the extremes the range was taken from', () => {
    // Measurements on a 0.1 grid, like the iris features, as float64 and as the float32 a model receives.
    for (const [lo, hi] of [
      [4.3, 7.9],
      [2, 4.4],
      [1, 6.9],
      [0.1, 2.5],
      [-7.9, -4.3],
    ] as const) {
      const grid = Array.from({ length: Math.round((hi - lo) * 10) + 1 }, (_, i) => lo + i / 10);
      for (const values of [grid, Array.from(Float32Array.from(grid))]) {
        const sketch = new NumericSketch();
        for (const v of values) sketch.add(v);
        expect(sketch.outside(Math.min(...grid), Math.max(...grid))).toBe(0);
      }
    }
    // Elsewhere, between the exact counts outside the range and outside it widened by twice the accuracy.
    const values = [...stream(20_000, 3)];
    const sketch = new NumericSketch();
    for (const v of values) sketch.add(v);
    const exactOutside = (lo: number, hi: number) => values.filter((v) => v < lo || v > hi).length;
    for (const [lo, hi] of [
      [-50, 50],
      [-80, -20],
      [20, 80],
      [-50, 0],
      [0, 50],
    ] as const) {
      const widened = exactOutside(lo - 0.02 * Math.abs(lo), hi + 0.02 * Math.abs(hi));
      expect(sketch.outside(lo, hi)).toBeGreaterThanOrEqual(widened);
      expect(sketch.outside(lo, hi)).toBeLessThanOrEqual(exactOutside(lo, hi));
      expect(widened).toBeGreaterThan(0.35 * values.length);
    }
  });

  it('keeps memory bounded: never more than BIN_LIMIT bins per sign, however many values and however spread', () => {
    const sketch = new NumericSketch();
    // 12.5 decades of magnitude on both signs: about 1,430 bins per sign at 1 % accuracy, more than the limit.
    for (const v of stream(200_000, 3)) sketch.add(Math.sign(v) * 10 ** (Math.abs(v) / 8));
    const json = sketch.toJSON();
    expect(json.count).toBe(200_000);
    expect(json.positive.length).toBeLessThanOrEqual(BIN_LIMIT);
    expect(json.negative.length).toBeLessThanOrEqual(BIN_LIMIT);
    expect(json.positive.length).toBeGreaterThan(BIN_LIMIT * 0.9);
    // Collapsing merges the smallest magnitudes: the large ones keep their 1 % (the 99th percentile is 10^(98 / 8)).
    expect(sketch.quantile(0.99) / 10 ** (98 / 8)).toBeCloseTo(1, 1);
  });

  it('counts at most MAX_CATEGORIES categories, the rest under other, also when merging', () => {
    const a = new CategoryCounts();
    for (let i = 0; i < MAX_CATEGORIES + 20; i++) a.add(`c${i}`);
    a.add(null);
    expect(a.counts.size).toBe(MAX_CATEGORIES + 1);
    expect(a.counts.get(OTHER_CATEGORY)).toBe(20);
    expect(a.missing).toBe(1);
    const b = new CategoryCounts();
    for (let i = 0; i < 50; i++) for (let k = 0; k < 3; k++) b.add(`d${i}`);
    a.merge(b);
    expect(a.count).toBe(MAX_CATEGORIES + 20 + 150);
    expect(a.counts.size).toBe(MAX_CATEGORIES);
    // The 50 frequent new categories stay; the least frequent old ones fold into other.
    expect(a.counts.get('d0')).toBe(3);
    expect([...a.counts.values()].reduce((x, y) => x + y, 0)).toBe(a.count);
  });

  it('counts an int64 label column exactly as adding its values as text one by one, beyond MAX_CATEGORIES and across a merge', () => {
    const width = 2;
    const labels = new BigInt64Array(6000);
    for (let i = 0; i < labels.length; i++) {
      // Mostly classes 0 to 4; every third value a label at the tallied range's edges, negative, huge, or seen once.
      const rare = [255n, 256n, -1n, 2n ** 40n, BigInt(1000 + i)];
      labels[i] = i % 3 === 0 ? rare[(i / 3) % rare.length]! : BigInt(i % 5);
    }
    const words = new Int32Array(labels.buffer);
    const earlier = new CategoryCounts();
    for (const name of ['2', 'x', 'y']) earlier.add(name);
    for (let column = 0; column < width; column++) {
      const fast = new CategoryCounts();
      const oneByOne = new CategoryCounts();
      const half = labels.length / 2;
      fast.addInt64Column(labels.subarray(0, half), words.subarray(0, half * 2), column, width);
      oneByOne.addColumn(labels.subarray(0, half), column, width);
      fast.merge(earlier);
      oneByOne.merge(earlier);
      fast.addInt64Column(labels.subarray(half), words.subarray(half * 2), column, width);
      oneByOne.addColumn(labels.subarray(half), column, width);
      expect(fast.toJSON()).toEqual(oneByOne.toJSON());
      // The case covered what it should: more categories than kept, so some went to other.
      expect(fast.counts.get(OTHER_CATEGORY)).toBeGreaterThan(0);
      expect(fast.counts.get('0')).toBeGreaterThan(300);
    }
  });
});
