import { featureReferenceSchema, type FeatureReference } from './compare';
import { driftReferences, referenceStatsSchema } from './reference-stats';
import type { StoredWindow } from './report';
import { featureSketchSchema } from './sketch';

/** Where a version's drift reference comes from. */
export type BaselineSource =
  | { source: 'reference_data'; rows: number }
  | { source: 'traffic'; from: string; to: string; createdBy: string }
  | { source: 'none' };

/** A version's stored drift inputs: the reference data's profile and a baseline frozen from traffic, either absent. */
export interface StoredReference {
  referenceStats: unknown;
  driftBaseline: { from: Date; to: Date; createdBy: string; features: unknown } | null;
}

/** The drift reference: the reference data's profile, else the baseline frozen from traffic, else none. */
export function driftReferencesFrom(stored: StoredReference): { references: Map<string, FeatureReference>; baseline: BaselineSource } {
  const stats = stored.referenceStats ? referenceStatsSchema.safeParse(stored.referenceStats) : null;
  if (stats?.success) return { references: driftReferences(stats.data), baseline: { source: 'reference_data', rows: stats.data.rows } };
  const frozen = stored.driftBaseline;
  if (!frozen) return { references: new Map(), baseline: { source: 'none' } };
  const references = new Map<string, FeatureReference>();
  for (const [name, raw] of Object.entries((frozen.features ?? {}) as Record<string, unknown>)) {
    const parsed = featureReferenceSchema.safeParse(raw);
    if (parsed.success) references.set(name, parsed.data);
  }
  return { references, baseline: { source: 'traffic', from: frozen.from.toISOString(), to: frozen.to.toISOString(), createdBy: frozen.createdBy } };
}

/** Stored minute rows as the drift report reads them; a row whose sketch does not parse is skipped. */
export function storedWindowsFrom(rows: readonly { feature: string; role: string; windowStart: Date; sketch: unknown }[]): StoredWindow[] {
  return rows.flatMap((r) => {
    const sketch = featureSketchSchema.safeParse(r.sketch);
    return sketch.success
      ? [{ feature: r.feature, role: r.role === 'output' ? ('output' as const) : ('input' as const), start: r.windowStart.getTime(), sketch: sketch.data }]
      : [];
  });
}
