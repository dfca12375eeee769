import type { Calibration } from './numeric';
import { OTHER_CATEGORY } from './sketch';

/** Current values the reference never named: a new category, the clearest sign of drift in a categorical feature. */
export const UNSEEN_CATEGORY = '__unseen__';

export interface CategoricalReference {
  count: number;
  missing: number;
  /** Counts per category; the reference's tail under OTHER_CATEGORY (see reference-stats.ts). */
  frequencies: Record<string, number>;
  calibration?: Calibration;
}

export interface CategoricalSample {
  count: number;
  missing: number;
  counts: Record<string, number>;
}

export interface CategoricalDrift {
  /** Jensen–Shannon distance (base 2, so 0…1) between the reference's and the current shares over the buckets. */
  score: number;
  /** Share of current values in categories the reference does not name. */
  unseen: number;
  missing: number;
  /** Bucket names: the reference's categories, then OTHER_CATEGORY (if the reference has a tail) and UNSEEN_CATEGORY. */
  buckets: string[];
  reference: number[];
  current: number[];
}

/**
 * Buckets both sides on the reference's categories: a current value the reference names goes to its bucket, the
 * collector's own overflow to OTHER_CATEGORY, anything else to UNSEEN_CATEGORY (the reference has none there).
 */
export function categoricalBuckets(reference: CategoricalReference, current: CategoricalSample) {
  const named = Object.keys(reference.frequencies).filter((c) => c !== OTHER_CATEGORY);
  const buckets = [...named, OTHER_CATEGORY, UNSEEN_CATEGORY];
  const index = new Map(buckets.map((b, i) => [b, i]));
  const ref = buckets.map((b) => reference.frequencies[b] ?? 0);
  const cur = new Array<number>(buckets.length).fill(0);
  for (const [value, n] of Object.entries(current.counts)) cur[index.get(value) ?? buckets.length - 1]! += n;
  // Empty tail buckets carry no information on either side.
  const keep = buckets.map((b, i) => !(b === OTHER_CATEGORY || b === UNSEEN_CATEGORY) || ref[i]! > 0 || cur[i]! > 0);
  return { buckets: buckets.filter((_, i) => keep[i]), reference: ref.filter((_, i) => keep[i]), current: cur.filter((_, i) => keep[i]) };
}

/** Jensen–Shannon distance, base 2, between two count (or share) vectors over the same buckets. */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  const ps = p.reduce((a, b) => a + b, 0);
  const qs = q.reduce((a, b) => a + b, 0);
  if (ps === 0 || qs === 0) return 0;
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / ps;
    const b = q[i]! / qs;
    const m = (a + b) / 2;
    if (a > 0) divergence += 0.5 * a * Math.log2(a / m);
    if (b > 0) divergence += 0.5 * b * Math.log2(b / m);
  }
  return Math.sqrt(Math.max(divergence, 0));
}

export function categoricalDrift(reference: CategoricalReference, current: CategoricalSample): CategoricalDrift {
  const { buckets, reference: ref, current: cur } = categoricalBuckets(reference, current);
  const total = cur.reduce((a, b) => a + b, 0);
  const unseen = buckets.indexOf(UNSEEN_CATEGORY);
  const refTotal = ref.reduce((a, b) => a + b, 0);
  const rows = current.count + current.missing;
  return {
    score: jensenShannon(ref, cur),
    unseen: unseen === -1 || total === 0 ? 0 : cur[unseen]! / total,
    missing: rows === 0 ? 0 : current.missing / rows,
    buckets,
    reference: ref.map((c) => (refTotal === 0 ? 0 : c / refTotal)),
    current: cur.map((c) => (total === 0 ? 0 : c / total)),
  };
}
