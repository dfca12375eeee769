import { bucketMsFor, driftReferencesFrom, driftReport, storedWindowsFrom, type BaselineSource, type FeatureReference, type StoredWindow } from '@slipway/core';
import type { Db } from './client';

/** A version's drift reference: its reference data's profile, else a baseline frozen from traffic, else none. */
export async function loadDriftReferences(db: Db, versionId: string): Promise<{ references: Map<string, FeatureReference>; baseline: BaselineSource }> {
  const version = await db.modelVersion.findUniqueOrThrow({ where: { id: versionId }, select: { referenceStats: true, driftBaseline: true } });
  return driftReferencesFrom(version);
}

/** The stored minute rows of a variant that overlap [from, to), oldest first. */
export async function loadDriftWindows(db: Db, variantId: string, from: Date, to: Date): Promise<StoredWindow[]> {
  const rows = await db.driftWindow.findMany({
    where: { variantId, windowStart: { lt: to }, windowEnd: { gt: from } },
    orderBy: { windowStart: 'asc' },
    select: { feature: true, role: true, windowStart: true, sketch: true },
  });
  return storedWindowsFrom(rows);
}

/** The features (as `variant/feature`) of any of a deployment's variants whose drift status is drifting over [from, to). */
export async function driftingFeatures(db: Db, deploymentId: string, from: number, to: number): Promise<string[]> {
  const variants = await db.variant.findMany({ where: { deploymentId }, select: { id: true, name: true, versionId: true } });
  // Whole stored minutes, as the Drift page reads them.
  const start = Math.floor(from / 60_000) * 60_000;
  const drifting: string[] = [];
  for (const variant of variants) {
    const windows = await loadDriftWindows(db, variant.id, new Date(start), new Date(to));
    if (windows.length === 0) continue;
    const { references } = await loadDriftReferences(db, variant.versionId);
    const report = driftReport({ windows, references, from: start, to, bucketMs: bucketMsFor(to - start) });
    for (const feature of report.features) if (feature.status === 'drift') drifting.push(`${variant.name}/${feature.name}`);
  }
  return drifting;
}
