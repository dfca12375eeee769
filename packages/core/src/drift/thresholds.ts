import { categoricalDrift, type CategoricalReference } from './categorical';
import { OTHER_CATEGORY } from './sketch';
import { numericDrift, referenceFromSorted, sortedSample, type Calibration } from './numeric';

/**
 * Thresholds that do not cry wolf, NannyML-style: the reference is split into chunks, each chunk is scored against
 * the whole reference, and the threshold is the chunks' mean + 3σ: a score the reference itself would hardly reach by
 * sampling noise alone. A floor keeps a very homogeneous reference from flagging differences nobody cares about.
 */
export const CALIBRATION_CHUNKS = 10;
export const SCORE_FLOOR = { numeric: 0.1, categorical: 0.1 } as const;
/** A window with fewer values than this is not judged: too few to tell noise from drift. */
export const DEFAULT_MIN_WINDOW_COUNT = 30;

export function calibrate(chunkScores: readonly number[], chunkRows: number): Calibration {
  const n = chunkScores.length;
  const mean = chunkScores.reduce((a, b) => a + b, 0) / n;
  const variance = chunkScores.reduce((a, s) => a + (s - mean) ** 2, 0) / n;
  return { chunkRows, mean, std: Math.sqrt(variance) };
}

/**
 * The threshold for a window of `count` values. Sampling noise in these distances shrinks as 1/√n, so the
 * calibrated mean + 3σ (measured on chunks of `chunkRows`) is rescaled to the window's size; never below the floor.
 */
export function thresholdFor(calibration: Calibration | undefined, floor: number, count: number): number {
  if (!calibration || count <= 0) return floor;
  const noise = (calibration.mean + 3 * calibration.std) * Math.sqrt(calibration.chunkRows / count);
  return Math.max(floor, noise);
}

function chunksOf<T>(values: readonly T[], chunks: number): T[][] {
  const size = Math.floor(values.length / chunks);
  return Array.from({ length: chunks }, (_, i) => values.slice(i * size, (i + 1) * size));
}

/** Calibrates a numeric reference column from its values in file order (null when too few to split). */
export function calibrateNumeric(values: readonly number[]): Calibration | null {
  if (values.length < CALIBRATION_CHUNKS * 2) return null;
  const whole = referenceFromSorted(Float64Array.from(values).sort());
  const chunks = chunksOf(values, CALIBRATION_CHUNKS);
  const scores = chunks.map((chunk) => numericDrift(whole, sortedSample(Float64Array.from(chunk).sort())).score);
  return calibrate(scores, chunks[0]!.length);
}

/** Calibrates a categorical reference column from its values in file order, against its stored frequencies. */
export function calibrateCategorical(values: readonly string[], reference: CategoricalReference): Calibration | null {
  if (values.length < CALIBRATION_CHUNKS * 2) return null;
  const chunks = chunksOf(values, CALIBRATION_CHUNKS);
  const scores = chunks.map((chunk) => {
    const counts: Record<string, number> = {};
    for (const v of chunk) counts[v] = (counts[v] ?? 0) + 1;
    // Values of the reference's tail are in its OTHER bucket: count them there, not as unseen.
    for (const v of Object.keys(counts)) {
      if (!(v in reference.frequencies)) {
        counts[OTHER_CATEGORY] = (counts[OTHER_CATEGORY] ?? 0) + counts[v]!;
        delete counts[v];
      }
    }
    return categoricalDrift(reference, { count: chunk.length, missing: 0, counts }).score;
  });
  return calibrate(scores, chunks[0]!.length);
}

export type WindowStatus = 'ok' | 'drift' | 'too_few';

export function windowStatus(score: number, threshold: number, count: number, minCount = DEFAULT_MIN_WINDOW_COUNT): WindowStatus {
  if (count < minCount) return 'too_few';
  return score > threshold ? 'drift' : 'ok';
}

/** A feature drifts only when a breach persists: `needed` of its last `of` judged windows over the threshold. */
export const DRIFT_PERSISTENCE = { of: 3, needed: 2 };

/** Of the last `of` windows with enough values to judge (statuses oldest first), how many breached. */
export function recentBreaches(statuses: readonly (WindowStatus | null)[], of = DRIFT_PERSISTENCE.of): number {
  return statuses
    .filter((s) => s === 'ok' || s === 'drift')
    .slice(-of)
    .filter((s) => s === 'drift').length;
}

/** An alert only when a breach persists (windows with too few values are passed over). */
export function persistentDrift(statuses: readonly (WindowStatus | null)[], of = DRIFT_PERSISTENCE.of, needed = DRIFT_PERSISTENCE.needed): boolean {
  return recentBreaches(statuses, of) >= needed;
}
