import { z } from 'zod';
import { calibrationSchema } from './numeric';
import type { FeatureReference } from './compare';

// A version's reference data as stored (`ModelVersion.referenceStats`): computed from the file by @slipway/artifacts,
// read by the drift comparison.

const count = z.number().int().nonnegative();

const numericColumnSchema = z.object({
  name: z.string(),
  kind: z.literal('numeric'),
  count,
  missing: count,
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  /** Population standard deviation. */
  std: z.number(),
  /**
   * Deciles of the values as bin edges, deduplicated; counts[i] holds values in [edges[i], edges[i + 1]), the last bin
   * also its upper edge. A column with one distinct value has a single edge and a single count.
   */
  bins: z.object({ edges: z.array(z.number()), counts: z.array(count) }),
  /** The 0th…100th percentiles: the reference's quantile function for the Wasserstein drift score. */
  percentiles: z.array(z.number()).optional(),
  /** Drift scores of ten chunks of the reference against the whole: the feature's drift threshold. */
  calibration: calibrationSchema.optional(),
});

const categoricalColumnSchema = z.object({
  name: z.string(),
  kind: z.literal('categorical'),
  count,
  missing: count,
  /** The 50 most frequent values, the rest summed under '__other__'. */
  frequencies: z.record(z.string(), count),
  calibration: calibrationSchema.optional(),
});

export const columnStatsSchema = z.discriminatedUnion('kind', [numericColumnSchema, categoricalColumnSchema]);
export type ColumnStats = z.infer<typeof columnStatsSchema>;

export const referenceStatsSchema = z.object({
  format: z.enum(['csv', 'jsonl']),
  /** Data rows the statistics cover. */
  rows: count,
  /** True when the file had more than maxRows rows; the statistics cover the first maxRows. */
  truncated: z.boolean(),
  columns: z.array(columnStatsSchema),
});
export type ReferenceStats = z.infer<typeof referenceStatsSchema>;

/** The stored profile as the drift comparison reads it, per column name. */
export function driftReferences(stats: ReferenceStats): Map<string, FeatureReference> {
  return new Map(
    stats.columns.map((c): [string, FeatureReference] =>
      c.kind === 'numeric'
        ? [
            c.name,
            {
              kind: 'numeric',
              count: c.count,
              missing: c.missing,
              min: c.min,
              max: c.max,
              mean: c.mean,
              std: c.std,
              edges: c.bins.edges,
              counts: c.bins.counts,
              percentiles: c.percentiles,
              calibration: c.calibration,
            },
          ]
        : [c.name, { kind: 'categorical', count: c.count, missing: c.missing, frequencies: c.frequencies, calibration: c.calibration }],
    ),
  );
}
