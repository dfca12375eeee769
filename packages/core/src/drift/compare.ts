import { z } from 'zod';
import { categoricalDrift, type CategoricalReference } from './categorical';
import { calibrationSchema, numericDrift, referenceFromSketch, sketchSample, type NumericReference } from './numeric';
import { CategoryCounts, mergeSketches, NumericSketch, type FeatureSketchJson } from './sketch';
import { DEFAULT_MIN_WINDOW_COUNT, persistentDrift, SCORE_FLOOR, thresholdFor, windowStatus, type WindowStatus } from './thresholds';

export type FeatureReference = ({ kind: 'numeric' } & NumericReference) | ({ kind: 'categorical' } & CategoricalReference);

const count = z.number().nonnegative();
/** A stored reference (a baseline frozen from traffic is kept as JSON per feature). */
export const featureReferenceSchema: z.ZodType<FeatureReference> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('numeric'),
    count,
    missing: count,
    min: z.number(),
    max: z.number(),
    mean: z.number(),
    std: z.number(),
    edges: z.array(z.number()),
    counts: z.array(count),
    percentiles: z.array(z.number()).optional(),
    calibration: calibrationSchema.optional(),
  }),
  z.object({ kind: z.literal('categorical'), count, missing: count, frequencies: z.record(z.string(), count), calibration: calibrationSchema.optional() }),
]);

/** One evaluation window of one feature: the merge of the stored windows inside it. */
export interface FeatureWindow {
  start: number;
  sketches: FeatureSketchJson[];
}

export type FeatureStatus = 'drift' | 'ok' | 'too_few' | 'no_reference' | 'kind_mismatch';

export interface FeatureHistogram {
  /** Bin labels: "[a, b)" ranges of the reference's deciles, or category names. */
  bins: string[];
  /** Shares; null without a reference. */
  reference: number[] | null;
  current: number[];
}

export interface FeatureReport {
  name: string;
  kind: 'numeric' | 'categorical';
  status: FeatureStatus;
  /** Over the whole period: normalised Wasserstein (numeric) or Jensen–Shannon distance (categorical). */
  score: number | null;
  threshold: number | null;
  count: number;
  missing: number;
  psi: number | null;
  outOfRange: number | null;
  unseen: number | null;
  mean: number | null;
  histogram: FeatureHistogram;
  overTime: { start: number; count: number; score: number | null; threshold: number | null; status: WindowStatus | null; mean: number | null }[];
}

const formatEdge = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(3));

function numericBins(edges: readonly number[]): string[] {
  if (edges.length === 1) return [formatEdge(edges[0]!)];
  return edges
    .slice(0, -1)
    .map((lo, i) =>
      i === 0 ? `< ${formatEdge(edges[1]!)}` : i === edges.length - 2 ? `≥ ${formatEdge(lo)}` : `${formatEdge(lo)} – ${formatEdge(edges[i + 1]!)}`,
    );
}

const shares = (counts: readonly number[]) => {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
};

/** A feature's report over the whole period, before its status and windows are known. */
type Scored = Omit<FeatureReport, 'name' | 'kind' | 'status' | 'overTime' | 'score' | 'threshold'> & { score: number; threshold: number };

function score(reference: FeatureReference, merged: NumericSketch | CategoryCounts): Scored | null {
  if (reference.kind === 'numeric' && merged instanceof NumericSketch) {
    const d = numericDrift(reference, sketchSample(merged));
    return {
      score: d.score,
      threshold: thresholdFor(reference.calibration, SCORE_FLOOR.numeric, merged.count),
      count: merged.count,
      missing: merged.missing,
      psi: d.psi,
      outOfRange: d.outOfRange,
      unseen: null,
      mean: merged.count > 0 ? d.mean : null,
      histogram: { bins: numericBins(reference.edges), reference: shares(reference.counts), current: shares(d.histogram) },
    };
  }
  if (reference.kind === 'categorical' && merged instanceof CategoryCounts) {
    const sample = merged.toJSON();
    const d = categoricalDrift(reference, sample);
    return {
      score: d.score,
      threshold: thresholdFor(reference.calibration, SCORE_FLOOR.categorical, merged.count),
      count: merged.count,
      missing: merged.missing,
      psi: null,
      outOfRange: null,
      unseen: d.unseen,
      mean: null,
      histogram: { bins: d.buckets, reference: d.reference, current: d.current },
    };
  }
  return null;
}

/** The current distribution alone, for a feature with no reference (an output, or a version without reference data). */
function describe(merged: NumericSketch | CategoryCounts): Pick<Scored, 'count' | 'missing' | 'mean' | 'histogram'> {
  if (merged instanceof NumericSketch) {
    const reference = referenceFromSketch(merged);
    return {
      count: merged.count,
      missing: merged.missing,
      mean: merged.count > 0 ? merged.mean : null,
      histogram: { bins: numericBins(reference.edges), reference: null, current: shares(reference.counts) },
    };
  }
  const ranked = [...merged.counts].sort(([, a], [, b]) => b - a);
  return {
    count: merged.count,
    missing: merged.missing,
    mean: null,
    histogram: { bins: ranked.map(([c]) => c), reference: null, current: shares(ranked.map(([, n]) => n)) },
  };
}

/**
 * Compares one feature's windows (oldest first) with its reference: the period as a whole (score, histograms) and each
 * window (drift over time). The feature is drifting when the breach persists in 2 of its last 3 judged windows.
 */
export function compareFeature(
  name: string,
  reference: FeatureReference | undefined,
  windows: readonly FeatureWindow[],
  minCount = DEFAULT_MIN_WINDOW_COUNT,
): FeatureReport | null {
  const merged = mergeSketches(windows.flatMap((w) => w.sketches));
  if (!merged) return null;
  const kind = merged instanceof NumericSketch ? 'numeric' : 'categorical';
  const whole = reference ? score(reference, merged) : null;
  const overTime = windows.map((w) => {
    const m = mergeSketches(w.sketches);
    const s = m && reference ? score(reference, m) : null;
    const count = m?.count ?? 0;
    const mean = m instanceof NumericSketch && m.count > 0 ? m.mean : null;
    return {
      start: w.start,
      count,
      score: s?.score ?? null,
      threshold: s?.threshold ?? null,
      status: s ? windowStatus(s.score, s.threshold, count, minCount) : null,
      mean,
    };
  });
  if (!whole) {
    return {
      name,
      kind,
      status: reference ? 'kind_mismatch' : 'no_reference',
      score: null,
      threshold: null,
      psi: null,
      outOfRange: null,
      unseen: null,
      ...describe(merged),
      overTime,
    };
  }
  const status: FeatureStatus = persistentDrift(overTime.map((w) => w.status)) ? 'drift' : whole.count < minCount ? 'too_few' : 'ok';
  return { name, kind, status, ...whole, overTime };
}

export interface DriftSummary {
  features: number;
  /** Features with a reference to compare with. */
  monitored: number;
  drifted: number;
}

export function summarizeDrift(reports: readonly FeatureReport[]): DriftSummary {
  return {
    features: reports.length,
    monitored: reports.filter((r) => r.status !== 'no_reference' && r.status !== 'kind_mismatch').length,
    drifted: reports.filter((r) => r.status === 'drift').length,
  };
}
