import { categoricalBuckets, jensenShannon } from './categorical';
import { compareFeature, summarizeDrift, type FeatureReference, type FeatureReport, type FeatureWindow } from './compare';
import { numericDrift, referenceFromSketch, sketchSample } from './numeric';
import { CategoryCounts, mergeSketches, NumericSketch, type FeatureSketchJson } from './sketch';
import { calibrate, DEFAULT_MIN_WINDOW_COUNT } from './thresholds';

/** A stored window of one feature (a DriftWindow row). */
export interface StoredWindow {
  feature: string;
  role: 'input' | 'output';
  start: number;
  sketch: FeatureSketchJson;
}

/** About 30 points over the period, each a whole number of stored minutes. */
export function bucketMsFor(periodMs: number, rowMs = 60_000, points = 30): number {
  return Math.max(rowMs, Math.ceil(periodMs / points / rowMs) * rowMs);
}

/**
 * Every feature seen in the period, compared with its reference over `bucketMs` windows, most drifted first
 * (drifting, then by score; features without a reference last).
 */
export function driftReport(options: {
  windows: readonly StoredWindow[];
  references: ReadonlyMap<string, FeatureReference>;
  from: number;
  to: number;
  bucketMs: number;
  minCount?: number;
}) {
  const { from, bucketMs } = options;
  const buckets = Math.max(1, Math.ceil((options.to - from) / bucketMs));
  const byFeature = new Map<string, { role: StoredWindow['role']; windows: FeatureWindow[] }>();
  for (const w of options.windows) {
    let entry = byFeature.get(w.feature);
    if (!entry) {
      entry = { role: w.role, windows: Array.from({ length: buckets }, (_, i) => ({ start: from + i * bucketMs, sketches: [] })) };
      byFeature.set(w.feature, entry);
    }
    const index = Math.min(buckets - 1, Math.max(0, Math.floor((w.start - from) / bucketMs)));
    entry.windows[index]!.sketches.push(w.sketch);
  }
  const features: (FeatureReport & { role: StoredWindow['role'] })[] = [];
  for (const [name, { role, windows }] of byFeature) {
    const report = compareFeature(name, options.references.get(name), windows, options.minCount ?? DEFAULT_MIN_WINDOW_COUNT);
    if (report) features.push({ ...report, role });
  }
  const rank = (r: FeatureReport) => (r.status === 'drift' ? 0 : r.score === null ? 2 : 1);
  features.sort((a, b) => rank(a) - rank(b) || (b.score ?? 0) - (a.score ?? 0) || a.name.localeCompare(b.name));
  return { summary: summarizeDrift(features), features };
}

/**
 * A reference frozen from traffic: per feature, the merge of the chosen windows, with its threshold calibrated the
 * same way as reference data's, each stored window being one chunk scored against the whole.
 */
export function freezeBaseline(windows: readonly StoredWindow[]): Record<string, FeatureReference> {
  const byFeature = new Map<string, FeatureSketchJson[]>();
  for (const w of windows) byFeature.set(w.feature, [...(byFeature.get(w.feature) ?? []), w.sketch]);
  const baseline: Record<string, FeatureReference> = {};
  for (const [name, sketches] of byFeature) {
    const merged = mergeSketches(sketches);
    if (!merged || merged.count === 0) continue;
    const chunks = sketches.filter((s) => s.count > 0);
    const chunkRows = chunks.reduce((n, s) => n + s.count, 0) / chunks.length;
    if (merged instanceof NumericSketch) {
      const whole = referenceFromSketch(merged);
      const scores = chunks.map((s) => numericDrift(whole, sketchSample(NumericSketch.fromJSON(s as Extract<FeatureSketchJson, { kind: 'numeric' }>))).score);
      baseline[name] = { kind: 'numeric', ...whole, ...(chunks.length > 1 && { calibration: calibrate(scores, chunkRows) }) };
    } else if (merged instanceof CategoryCounts) {
      const whole = { count: merged.count, missing: merged.missing, frequencies: Object.fromEntries(merged.counts) };
      const scores = chunks.map((s) => {
        const { reference, current } = categoricalBuckets(whole, s as Extract<FeatureSketchJson, { kind: 'categorical' }>);
        return jensenShannon(reference, current);
      });
      baseline[name] = { kind: 'categorical', ...whole, ...(chunks.length > 1 && { calibration: calibrate(scores, chunkRows) }) };
    }
  }
  return baseline;
}
