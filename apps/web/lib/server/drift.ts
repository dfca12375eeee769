import { driftReferences, referenceStatsSchema } from '@slipway/artifacts';
import { featureReferenceSchema, featureSketchSchema, type FeatureReference, type StoredWindow } from '@slipway/core';
import type { Db } from '@slipway/db';
import { ApiError } from './errors';

interface VariantRow {
  id: string;
  name: string;
  role: string;
  trafficWeight: number;
  versionId: string;
  version: { label: number };
}

/** The variant the drift page looks at: the one named, else the primary with the most traffic. */
export function pickVariant<V extends VariantRow>(variants: readonly V[], name: string | undefined, deployment: string): V {
  if (name !== undefined) {
    const named = variants.find((v) => v.name === name);
    if (!named) throw new ApiError('not_found', `variant '${name}' not found in deployment '${deployment}'`);
    return named;
  }
  const primaries = variants.filter((v) => v.role === 'primary');
  const best = [...(primaries.length > 0 ? primaries : variants)].sort((a, b) => b.trafficWeight - a.trafficWeight)[0];
  if (!best) throw new ApiError('not_found', `deployment '${deployment}' has no variants`);
  return best;
}

export type BaselineSource =
  | { source: 'reference_data'; rows: number }
  | { source: 'traffic'; from: string; to: string; createdBy: string }
  | { source: 'none' };

/** The version's drift reference: its reference data's profile, else a baseline frozen from traffic, else none. */
export async function loadReferences(db: Db, versionId: string): Promise<{ references: Map<string, FeatureReference>; baseline: BaselineSource }> {
  const version = await db.modelVersion.findUniqueOrThrow({ where: { id: versionId }, select: { referenceStats: true, driftBaseline: true } });
  const stats = referenceStatsSchema.safeParse(version.referenceStats);
  if (version.referenceStats && stats.success)
    return { references: driftReferences(stats.data), baseline: { source: 'reference_data', rows: stats.data.rows } };
  const frozen = version.driftBaseline;
  if (frozen) {
    const references = new Map<string, FeatureReference>();
    for (const [name, raw] of Object.entries(frozen.features as Record<string, unknown>)) {
      const parsed = featureReferenceSchema.safeParse(raw);
      if (parsed.success) references.set(name, parsed.data);
    }
    return { references, baseline: { source: 'traffic', from: frozen.from.toISOString(), to: frozen.to.toISOString(), createdBy: frozen.createdBy } };
  }
  return { references: new Map(), baseline: { source: 'none' } };
}

/** The stored minute rows of a variant that overlap [from, to). */
export async function loadWindows(db: Db, variantId: string, from: Date, to: Date): Promise<StoredWindow[]> {
  const rows = await db.driftWindow.findMany({
    where: { variantId, windowStart: { lt: to }, windowEnd: { gt: from } },
    orderBy: { windowStart: 'asc' },
    select: { feature: true, role: true, windowStart: true, sketch: true },
  });
  return rows.flatMap((r) => {
    const sketch = featureSketchSchema.safeParse(r.sketch);
    return sketch.success
      ? [{ feature: r.feature, role: r.role === 'output' ? ('output' as const) : ('input' as const), start: r.windowStart.getTime(), sketch: sketch.data }]
      : [];
  });
}
