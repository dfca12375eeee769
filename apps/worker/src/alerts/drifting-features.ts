import { driftReferences, referenceStatsSchema } from '@slipway/artifacts';
import { bucketMsFor, driftReport, featureReferenceSchema, featureSketchSchema, type FeatureReference, type StoredWindow } from '@slipway/core';
import type { Db } from '@slipway/db';

/** A version's drift reference: its reference data's profile, else a baseline frozen from traffic, else none. */
async function references(db: Db, versionId: string): Promise<Map<string, FeatureReference>> {
  const version = await db.modelVersion.findUniqueOrThrow({ where: { id: versionId }, select: { referenceStats: true, driftBaseline: true } });
  const stats = referenceStatsSchema.safeParse(version.referenceStats);
  if (version.referenceStats && stats.success) return driftReferences(stats.data);
  const result = new Map<string, FeatureReference>();
  for (const [name, raw] of Object.entries((version.driftBaseline?.features ?? {}) as Record<string, unknown>)) {
    const parsed = featureReferenceSchema.safeParse(raw);
    if (parsed.success) result.set(name, parsed.data);
  }
  return result;
}

/** The features (as `variant/feature`) of any of a deployment's variants whose drift status is drifting over [from, to). */
export async function driftingFeatures(db: Db, deploymentId: string, from: number, to: number): Promise<string[]> {
  const variants = await db.variant.findMany({ where: { deploymentId }, select: { id: true, name: true, versionId: true } });
  const start = Math.floor(from / 60_000) * 60_000;
  const drifting: string[] = [];
  for (const variant of variants) {
    const rows = await db.driftWindow.findMany({
      where: { variantId: variant.id, windowStart: { lt: new Date(to) }, windowEnd: { gt: new Date(start) } },
      select: { feature: true, role: true, windowStart: true, sketch: true },
    });
    if (rows.length === 0) continue;
    const windows: StoredWindow[] = rows.flatMap((r) => {
      const sketch = featureSketchSchema.safeParse(r.sketch);
      return sketch.success
        ? [{ feature: r.feature, role: r.role === 'output' ? ('output' as const) : ('input' as const), start: r.windowStart.getTime(), sketch: sketch.data }]
        : [];
    });
    const report = driftReport({ windows, references: await references(db, variant.versionId), from: start, to, bucketMs: bucketMsFor(to - start) });
    for (const feature of report.features) if (feature.status === 'drift') drifting.push(`${variant.name}/${feature.name}`);
  }
  return drifting;
}
