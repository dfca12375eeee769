import type { FeatureReference, FeatureWindow } from './compare';
import { referenceFromSorted } from './numeric';
import type { StoredWindow } from './report';
import { CategoryCounts, NumericSketch } from './sketch';
import { calibrateCategorical, calibrateNumeric } from './thresholds';

// Seeded streams for the drift tests (not exported from the package): a reference and windows drawn from it or shifted.

/** Seeded uniform numbers (mulberry32), so every run sees the same stream. */
export function uniform(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function normal(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const CATEGORIES = ['a', 'b', 'c'];
const WEIGHTS = [0.5, 0.3, 0.2];
function category(random: () => number): string {
  const r = random();
  return r < WEIGHTS[0]! ? 'a' : r < WEIGHTS[0]! + WEIGHTS[1]! ? 'b' : 'c';
}

/** A reference of 5,000 rows (amount ~ N(50, 10), colour a/b/c at 50/30/20 %), calibrated as at upload. */
export function makeReference(): Record<string, FeatureReference> {
  const random = uniform(1);
  const gauss = normal(random);
  const amounts = Array.from({ length: 5000 }, () => 50 + 10 * gauss());
  const colours = Array.from({ length: 5000 }, () => category(random));
  const frequencies = Object.fromEntries(CATEGORIES.map((c) => [c, colours.filter((x) => x === c).length]));
  const colour = { count: 5000, missing: 0, frequencies };
  return {
    amount: { kind: 'numeric', ...referenceFromSorted(Float64Array.from(amounts).sort()), calibration: calibrateNumeric(amounts)! },
    colour: { kind: 'categorical', ...colour, calibration: calibrateCategorical(colours, colour)! },
  };
}

/** Windows of 200 requests each from the reference's distributions, optionally changed from window `from` on. */
export function makeWindows(count: number, change?: { from: number; amountShift?: number; newCategoryShare?: number }) {
  const random = uniform(99);
  const gauss = normal(random);
  const windows: Record<string, FeatureWindow[]> = { amount: [], colour: [] };
  for (let w = 0; w < count; w++) {
    const changed = change !== undefined && w >= change.from;
    const amount = new NumericSketch();
    const colour = new CategoryCounts();
    for (let i = 0; i < 200; i++) {
      amount.add(50 + 10 * gauss() + (changed ? (change.amountShift ?? 0) : 0));
      colour.add(changed && random() < (change.newCategoryShare ?? 0) ? 'd' : category(random));
    }
    windows.amount!.push({ start: w * 10_000, sketches: [amount.toJSON()] });
    windows.colour!.push({ start: w * 10_000, sketches: [colour.toJSON()] });
  }
  return windows;
}

/** The windows as stored rows (one sketch each), as the drift report and the worker read them. */
export const asStoredWindows = (windows: Record<string, FeatureWindow[]>): StoredWindow[] =>
  Object.entries(windows).flatMap(([feature, list]) => list.map((w) => ({ feature, role: 'input' as const, start: w.start, sketch: w.sketches[0]! })));
