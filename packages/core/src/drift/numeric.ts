import { z } from 'zod';
import { binOf, type NumericSketch } from './sketch';

/** Per-feature threshold calibration (see thresholds.ts): scores of reference chunks of `chunkRows` rows each. */
export const calibrationSchema = z.object({ chunkRows: z.number().positive(), mean: z.number(), std: z.number() });
export type Calibration = z.infer<typeof calibrationSchema>;

/** What drift of a numeric feature is measured against: a reference (training) column or a frozen traffic window. */
export interface NumericReference {
  count: number;
  missing: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation: the unit of the Wasserstein score. */
  std: number;
  /** Decile bin edges (deduplicated) and the reference's counts in them, as reference-stats.ts profiles them. */
  edges: number[];
  counts: number[];
  /** The 0th…100th percentiles, when known; otherwise the quantile function is interpolated from the deciles. */
  percentiles?: number[];
  calibration?: Calibration;
}

/** A current window of a numeric feature, exact (sorted values) or sketched. */
export interface NumericSample {
  count: number;
  missing: number;
  mean: number;
  quantile(q: number): number;
  /** Counts per bin of `edges`, outer bins open (see NumericSketch.histogram). */
  histogram(edges: readonly number[]): number[];
  /** How many values lie below `lo` or above `hi`. */
  outside(lo: number, hi: number): number;
}

/** The q-quantile of sorted values, interpolating linearly between closest ranks (numpy's default). */
export function exactQuantile(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position);
  const fraction = position - lo;
  return fraction === 0 ? sorted[lo]! : sorted[lo]! + fraction * (sorted[lo + 1]! - sorted[lo]!);
}

/** A window given as exact values (sorted ascending, finite): calibration chunks and tests. */
export function sortedSample(sorted: ArrayLike<number>, missing = 0): NumericSample {
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return {
    count: n,
    missing,
    mean: sum / n,
    // The empirical quantile function: a step function, as the Wasserstein distance between samples uses it.
    quantile: (q) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!,
    histogram(edges) {
      const counts = new Array<number>(Math.max(edges.length - 1, 1)).fill(0);
      for (let i = 0; i < n; i++) counts[binOf(edges, sorted[i]!)]!++;
      return counts;
    },
    outside(lo, hi) {
      let k = 0;
      for (let i = 0; i < n; i++) if (sorted[i]! < lo || sorted[i]! > hi) k++;
      return k;
    },
  };
}

/** A window given as a sketch. Values in the bins holding the range's ends (within the sketch's 1 % of them) count as inside. */
export function sketchSample(sketch: NumericSketch): NumericSample {
  return {
    count: sketch.count,
    missing: sketch.missing,
    mean: sketch.mean,
    quantile: (q) => sketch.quantile(q),
    histogram: (edges) => sketch.histogram(edges),
    outside: (lo, hi) => sketch.outside(lo, hi),
  };
}

/** The reference profile of exact values: what reference-stats.ts stores, plus percentiles. */
export function referenceFromSorted(sorted: ArrayLike<number>, missing = 0): NumericReference {
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (sorted[i]! - mean) ** 2;
  const edges = dedupe(Array.from({ length: 11 }, (_, i) => exactQuantile(sorted, i / 10)));
  return {
    count: n,
    missing,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    mean,
    std: Math.sqrt(squares / n),
    edges,
    counts: sortedSample(sorted).histogram(edges),
    percentiles: Array.from({ length: 101 }, (_, i) => exactQuantile(sorted, i / 100)),
  };
}

/** A baseline frozen from traffic: the merged sketch of the chosen windows. */
export function referenceFromSketch(sketch: NumericSketch, calibration?: Calibration): NumericReference {
  const edges = dedupe(Array.from({ length: 11 }, (_, i) => sketch.quantile(i / 10)));
  return {
    count: sketch.count,
    missing: sketch.missing,
    min: sketch.min,
    max: sketch.max,
    mean: sketch.mean,
    std: sketch.std,
    edges,
    counts: sketch.histogram(edges),
    percentiles: Array.from({ length: 101 }, (_, i) => sketch.quantile(i / 100)),
    ...(calibration && { calibration }),
  };
}

function dedupe(values: number[]): number[] {
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

/** The reference's quantile function: linear between percentiles, or between decile edges by cumulative count. */
export function referenceQuantile(reference: NumericReference, q: number): number {
  const p = reference.percentiles;
  if (p && p.length > 1) {
    const position = q * (p.length - 1);
    const lo = Math.min(Math.floor(position), p.length - 2);
    return p[lo]! + (position - lo) * (p[lo + 1]! - p[lo]!);
  }
  const { edges, counts } = reference;
  if (edges.length === 1) return edges[0]!;
  const total = counts.reduce((a, b) => a + b, 0);
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const share = counts[i]! / total;
    if (q <= below + share || i === counts.length - 1) {
      const within = share === 0 ? 0 : Math.min(1, (q - below) / share);
      return edges[i]! + within * (edges[i + 1]! - edges[i]!);
    }
    below += share;
  }
  return edges.at(-1)!;
}

const STEPS = 1000;

/** Wasserstein-1 (earth mover's) distance between two quantile functions: the mean of |Qa(u) - Qb(u)| over u. */
export function wasserstein(qa: (u: number) => number, qb: (u: number) => number, steps = STEPS): number {
  let total = 0;
  for (let i = 0; i < steps; i++) {
    const u = (i + 0.5) / steps;
    total += Math.abs(qa(u) - qb(u));
  }
  return total / steps;
}

/** Shares below this are floored so an empty bin does not make PSI infinite (a common convention). */
const PSI_EPSILON = 1e-4;

/** Population stability index of `actual` shares against `expected` ones over the same bins. */
export function psi(expected: readonly number[], actual: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i]!, PSI_EPSILON);
    const a = Math.max(actual[i]!, PSI_EPSILON);
    total += (a - e) * Math.log(a / e);
  }
  return total;
}

/** The usual reading of PSI: below 0.1 stable, 0.1–0.25 a moderate shift, above 0.25 a significant one. */
export function psiBand(value: number): 'stable' | 'moderate' | 'significant' {
  return value < 0.1 ? 'stable' : value < 0.25 ? 'moderate' : 'significant';
}

export interface NumericDrift {
  /** Wasserstein-1 distance divided by the reference's standard deviation: 1 ≈ the whole distribution moved by one σ. */
  score: number;
  psi: number;
  /** Share of current values outside the reference's [min, max]. */
  outOfRange: number;
  /** Share of current rows with no (or a NaN) value. */
  missing: number;
  mean: number;
  /** Current counts in the reference's decile bins (outer bins open). */
  histogram: number[];
}

export function numericDrift(reference: NumericReference, current: NumericSample): NumericDrift {
  // A constant reference has no spread to measure by: its own scale (or 1) stands in.
  const spread = reference.std > 0 ? reference.std : Math.max(Math.abs(reference.mean), 1);
  const histogram = current.histogram(reference.edges);
  const referenceTotal = reference.counts.reduce((a, b) => a + b, 0);
  const rows = current.count + current.missing;
  return {
    score:
      current.count === 0
        ? 0
        : wasserstein(
            (u) => referenceQuantile(reference, u),
            (u) => current.quantile(u),
          ) / spread,
    psi:
      current.count === 0
        ? 0
        : psi(
            reference.counts.map((c) => c / referenceTotal),
            histogram.map((c) => c / current.count),
          ),
    outOfRange: current.count === 0 ? 0 : current.outside(reference.min, reference.max) / current.count,
    missing: rows === 0 ? 0 : current.missing / rows,
    mean: current.mean,
    histogram,
  };
}
