import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import { z } from 'zod';
import { FLOAT32_INFINITY_BITS, FLOAT32_MIN_NORMAL_BITS, Float32Keys } from './float32-keys';

/**
 * Bounded, mergeable summaries of one feature over one window. Numeric values go into a DDSketch (Datadog's,
 * maintained): every quantile within 1 % relative error, an insert is one logarithm and one array increment, and
 * merging adds bins, so windows merge into hours and days in any order with the same result. The bin count is capped
 * (collapsing the lowest), so memory never grows with traffic. Categories are exact counts of the first
 * MAX_CATEGORIES values seen, the rest counted under OTHER_CATEGORY.
 */
export const RELATIVE_ACCURACY = 0.01;
/** Bins per sign: the memory bound of one numeric sketch (a few tens of KB at most). */
export const BIN_LIMIT = 1024;
export const MAX_CATEGORIES = 100;
export const OTHER_CATEGORY = '__other__';

const count = z.number().nonnegative();
/** Non-empty bins as [key, count] pairs: the sketch's own keys, so a round trip is exact. */
const bins = z.array(z.tuple([z.number().int(), count]));

export const numericSketchSchema = z.object({
  kind: z.literal('numeric'),
  count,
  /** Values that were NaN (or not numbers): counted, kept out of the quantiles. */
  missing: count,
  sum: z.number(),
  /** Sum of squared values: the standard deviation of a baseline frozen from traffic. */
  sumSquares: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  zeros: count,
  positive: bins,
  negative: bins,
});
export type NumericSketchJson = z.infer<typeof numericSketchSchema>;

export const categoryCountsSchema = z.object({
  kind: z.literal('categorical'),
  count,
  missing: count,
  counts: z.record(z.string(), count),
});
export type CategoryCountsJson = z.infer<typeof categoryCountsSchema>;

export const featureSketchSchema = z.discriminatedUnion('kind', [numericSketchSchema, categoryCountsSchema]);
export type FeatureSketchJson = z.infer<typeof featureSketchSchema>;

type Store = LogCollapsingLowestDenseDDSketch['store'];

/** What one column of a tensor gives a sketch: every `stride`-th value from `first` (a row-major [n, stride] tensor). */
type ColumnValues = ArrayLike<number | bigint | boolean | string>;

/** Every NumericSketch maps with RELATIVE_ACCURACY, so one key table, built on first use, serves them all. */
let sharedFloat32Keys: Float32Keys | undefined;

/** One more value under `key`: the store's own `add` when the key is outside its bins (it grows or collapses them). */
function addKey(store: Store, key: number): void {
  if (key >= store.minKey && key <= store.maxKey) {
    store.bins[key - store.offset]!++;
    store.count++;
  } else store.add(key, 1);
}

function storeBins(store: Store): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < store.bins.length; i++) if (store.bins[i]! > 0) out.push([i + store.offset, store.bins[i]!]);
  return out;
}

export class NumericSketch {
  private readonly sketch = new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: RELATIVE_ACCURACY, binLimit: BIN_LIMIT });
  missing = 0;
  private sumSquares = 0;

  add(value: number): void {
    if (Number.isFinite(value)) {
      this.sketch.accept(value);
      this.sumSquares += value * value;
    } else this.missing++;
  }

  /** Adds one column's values (`first`, `first + stride`, …) one by one. */
  addColumn(values: ColumnValues, first: number, stride: number): void {
    for (let i = first; i < values.length; i += stride) this.add(Number(values[i]));
  }

  /**
   * The same as addColumn on float32 data, with the same result, in well under half the time (`npm run bench drift`):
   * keys come from a table lookup on the values' bits (`bits` views the same memory as `values`) rather than a
   * logarithm each, and the counters live in locals for the loop. Drift collection on every request rests on this.
   */
  addFloat32Column(values: Float32Array, bits: Uint32Array, first: number, stride: number): void {
    const s = this.sketch;
    sharedFloat32Keys ??= new Float32Keys(s.mapping);
    const keys = sharedFloat32Keys;
    let { count, sum, min, max, zeroCount } = s;
    let { missing, sumSquares } = this;
    for (let i = first; i < values.length; i += stride) {
      const pattern = bits[i]!;
      const magnitude = pattern & 0x7fff_ffff;
      if (magnitude >= FLOAT32_INFINITY_BITS) {
        missing++;
        continue;
      }
      const value = values[i]!;
      if (magnitude === 0) zeroCount++;
      else {
        // Subnormals are rare enough for the logarithm; the table covers normal values.
        const key = magnitude >= FLOAT32_MIN_NORMAL_BITS ? keys.key(magnitude) : s.mapping.key(Math.abs(value));
        addKey(pattern === magnitude ? s.store : s.negativeStore, key);
      }
      count++;
      sum += value;
      sumSquares += value * value;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    s.count = count;
    s.sum = sum;
    s.min = min;
    s.max = max;
    s.zeroCount = zeroCount;
    this.missing = missing;
    this.sumSquares = sumSquares;
  }

  /** Values in the quantiles (missing ones excluded). */
  get count(): number {
    return this.sketch.count;
  }

  get mean(): number {
    return this.sketch.count === 0 ? NaN : this.sketch.sum / this.sketch.count;
  }

  /** Population standard deviation. */
  get std(): number {
    const n = this.sketch.count;
    return n === 0 ? NaN : Math.sqrt(Math.max(this.sumSquares / n - this.mean ** 2, 0));
  }

  get min(): number {
    return this.sketch.min;
  }

  get max(): number {
    return this.sketch.max;
  }

  /** Within 1 % of the true quantile's value, clamped to the exact min and max. */
  quantile(q: number): number {
    const value = this.sketch.getValueAtQuantile(q);
    return Math.min(this.sketch.max, Math.max(this.sketch.min, value));
  }

  /**
   * Counts per bin of `edges` (ascending): bin 0 below edges[1], bin i in [edges[i], edges[i + 1]), the last at or above
   * its lower edge, so the outer bins are open like a reference's deciles applied to new data. Each sketch bin is placed
   * by its representative value (1 % relative error).
   */
  histogram(edges: readonly number[]): number[] {
    const counts = new Array<number>(Math.max(edges.length - 1, 1)).fill(0);
    const { mapping, store, negativeStore, zeroCount } = this.sketch;
    const keyOf = (x: number) => (Math.abs(x) > mapping.minPossible ? Math.sign(x) * (mapping.key(Math.abs(x)) + 0.5) : 0);
    const edgeKeys = edges.map(keyOf);
    // `signedKey` names the sketch bin (sign and key); a bin that holds an edge is counted from that edge up, as
    // values sitting exactly on a decile edge (common in discrete data) belong to the bin the edge opens.
    const place = (value: number, signedKey: number, n: number) => {
      let bin = binOf(edges, value);
      while (bin + 1 < counts.length && edgeKeys[bin + 1] === signedKey) bin++;
      counts[bin]! += n;
    };
    for (const [key, n] of storeBins(negativeStore)) place(-mapping.value(key), -(key + 0.5), n);
    if (zeroCount > 0) place(0, 0, zeroCount);
    for (const [key, n] of storeBins(store)) place(mapping.value(key), key + 0.5, n);
    return counts;
  }

  /**
   * Values below `lo` or above `hi`, to the sketch's accuracy: the bins holding `lo` and `hi` count as inside, so
   * the extremes of the very values a range was taken from are never outside it. The upper edge given to
   * `histogram` is a point of the bin after the one holding `hi`, since a bin that holds an edge is counted from it up.
   */
  outside(lo: number, hi: number): number {
    const { mapping } = this.sketch;
    const tiny = mapping.minPossible;
    const aboveHi = hi > tiny ? mapping.value(mapping.key(hi) + 1) : hi < -tiny ? -mapping.value(mapping.key(-hi) - 1) : mapping.value(mapping.key(tiny) + 1);
    const counts = this.histogram([Number.NEGATIVE_INFINITY, lo, aboveHi, Number.POSITIVE_INFINITY]);
    return counts[0]! + counts[2]!;
  }

  /**
   * Adds another sketch's values. Done bin by bin here because the library's own merge drops the negative values
   * (sketches-js 2.1.1 merges only the positive store).
   */
  merge(other: NumericSketch | NumericSketchJson): void {
    const json = other instanceof NumericSketch ? other.toJSON() : other;
    this.addBins(json);
  }

  toJSON(): NumericSketchJson {
    const s = this.sketch;
    const empty = s.count === 0;
    return {
      kind: 'numeric',
      count: s.count,
      missing: this.missing,
      sum: s.sum,
      sumSquares: this.sumSquares,
      min: empty ? null : s.min,
      max: empty ? null : s.max,
      zeros: s.zeroCount,
      positive: storeBins(s.store),
      negative: storeBins(s.negativeStore),
    };
  }

  static fromJSON(json: NumericSketchJson): NumericSketch {
    const sketch = new NumericSketch();
    sketch.addBins(json);
    return sketch;
  }

  private addBins(json: NumericSketchJson): void {
    const s = this.sketch;
    this.missing += json.missing;
    if (json.count === 0) return;
    for (const [key, n] of json.positive) s.store.add(key, n);
    for (const [key, n] of json.negative) s.negativeStore.add(key, n);
    s.zeroCount += json.zeros;
    s.count += json.count;
    s.sum += json.sum;
    this.sumSquares += json.sumSquares;
    if (json.min !== null && json.min < s.min) s.min = json.min;
    if (json.max !== null && json.max > s.max) s.max = json.max;
  }
}

/** Index of the bin of `edges` that holds `value`, outer bins open. */
export function binOf(edges: readonly number[], value: number): number {
  const last = Math.max(edges.length - 2, 0);
  let lo = 0;
  let hi = last;
  // The largest i <= last with edges[i] <= value (0 when below edges[1]).
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (edges[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Integer class labels below this are tallied in an array by value (no text, no map lookup per value), named on read. */
const TALLIED_LABELS = 256;

export class CategoryCounts {
  private readonly named = new Map<string, number>();
  /** Per tallied label seen once through `add`: the category it counts under (its own name, or OTHER_CATEGORY). */
  private labelCategory: (string | undefined)[] = [];
  /** Values of those labels since, not yet added to `named`. */
  private tally: Float64Array | undefined;
  count = 0;
  missing = 0;

  /** Count per category, the first MAX_CATEGORIES seen by name, the rest under OTHER_CATEGORY. */
  get counts(): ReadonlyMap<string, number> {
    this.settle();
    return this.named;
  }

  add(value: string | null | undefined): void {
    if (value === null || value === undefined || value === '') {
      this.missing++;
      return;
    }
    this.count++;
    const current = this.named.get(value);
    if (current !== undefined) this.named.set(value, current + 1);
    else if (this.named.size < MAX_CATEGORIES || value === OTHER_CATEGORY) this.named.set(value, 1);
    else this.named.set(OTHER_CATEGORY, (this.named.get(OTHER_CATEGORY) ?? 0) + 1);
  }

  /** Adds one column's values (`first`, `first + stride`, …): strings as they are, numbers and booleans as text. */
  addColumn(values: ColumnValues, first: number, stride: number): void {
    for (let i = first; i < values.length; i += stride) {
      const value = values[i];
      this.add(typeof value === 'string' ? value : String(value));
    }
  }

  /**
   * The same as addColumn on int64 data (class labels), with the same result: `words` views the same memory as
   * 32-bit words (little-endian, as every platform Node runs on), so a label from 0 to 255 is read without making a
   * BigInt and counted in an array; other values go through `add`.
   */
  addInt64Column(values: BigInt64Array, words: Int32Array, first: number, stride: number): void {
    for (let i = first; i < values.length; i += stride) {
      const low = words[2 * i]!;
      const tallied = words[2 * i + 1] === 0 && low >= 0 && low < TALLIED_LABELS;
      if (tallied && this.labelCategory[low] !== undefined) {
        this.tally ??= new Float64Array(TALLIED_LABELS);
        this.tally[low]!++;
        this.count++;
        continue;
      }
      const name = String(values[i]);
      this.add(name);
      if (tallied) this.labelCategory[low] = this.named.has(name) ? name : OTHER_CATEGORY;
    }
  }

  /** Sums counts, then keeps the MAX_CATEGORIES most frequent and folds the rest into OTHER_CATEGORY. */
  merge(other: CategoryCounts | CategoryCountsJson): void {
    const json = other instanceof CategoryCounts ? other.toJSON() : other;
    this.settle();
    // Folding may move a tallied label's category into OTHER_CATEGORY: labels are placed again when next seen.
    this.labelCategory = [];
    this.count += json.count;
    this.missing += json.missing;
    for (const [value, n] of Object.entries(json.counts)) this.named.set(value, (this.named.get(value) ?? 0) + n);
    if (this.named.size <= MAX_CATEGORIES) return;
    const ranked = [...this.named].filter(([v]) => v !== OTHER_CATEGORY).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
    let folded = this.named.get(OTHER_CATEGORY) ?? 0;
    for (const [value, n] of ranked.slice(MAX_CATEGORIES - 1)) {
      folded += n;
      this.named.delete(value);
    }
    this.named.set(OTHER_CATEGORY, folded);
  }

  toJSON(): CategoryCountsJson {
    return { kind: 'categorical', count: this.count, missing: this.missing, counts: Object.fromEntries(this.counts) };
  }

  static fromJSON(json: CategoryCountsJson): CategoryCounts {
    const counts = new CategoryCounts();
    counts.merge(json);
    return counts;
  }

  /** Adds the tallied labels' values to their categories. */
  private settle(): void {
    const tally = this.tally;
    if (!tally) return;
    for (let label = 0; label < TALLIED_LABELS; label++) {
      const n = tally[label]!;
      if (n === 0) continue;
      const category = this.labelCategory[label]!;
      this.named.set(category, (this.named.get(category) ?? 0) + n);
    }
    this.tally = undefined;
  }
}

export type FeatureSketch = NumericSketch | CategoryCounts;

export function sketchFromJSON(json: FeatureSketchJson): FeatureSketch {
  return json.kind === 'numeric' ? NumericSketch.fromJSON(json) : CategoryCounts.fromJSON(json);
}

/** Merges serialised sketches of one feature (windows into an hour, say); null when the kinds disagree or none. */
export function mergeSketches(sketches: readonly FeatureSketchJson[]): FeatureSketch | null {
  const first = sketches[0];
  if (!first || sketches.some((s) => s.kind !== first.kind)) return null;
  const merged = first.kind === 'numeric' ? new NumericSketch() : new CategoryCounts();
  for (const s of sketches) (merged as { merge(j: FeatureSketchJson): void }).merge(s);
  return merged;
}
