import { COMPACTION_BATCH_ROWS, type CompactionStep, compactionCutoff, compactionGroups, mergeSketches, type FeatureSketchJson } from '@slipway/core';
import type { Db } from '@slipway/db';
import type { DriftWindowPayload } from '@slipway/queue';

/** Stored resolution: replicas flush every few seconds; their windows merge into one row per feature per minute. */
export const DRIFT_ROW_MS = 60_000;

/**
 * Merges one replica's window into the minute rows of its variant. Replicas flush the same minute concurrently, so
 * the read-merge-write runs under a transaction-scoped advisory lock per variant and minute.
 */
export async function recordDriftWindow(db: Db, window: DriftWindowPayload): Promise<{ rows: number }> {
  const start = Math.floor(window.windowStart / DRIFT_ROW_MS) * DRIFT_ROW_MS;
  const windowStart = new Date(start);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`drift:${window.variantId}:${start}`}))`;
    // The variant may be gone (a finished rollout's history deleted with its deployment): nothing to keep.
    if (!(await tx.variant.findUnique({ where: { id: window.variantId }, select: { id: true } }))) return { rows: 0 };
    const existing = await tx.driftWindow.findMany({
      where: { variantId: window.variantId, windowStart, feature: { in: window.features.map((f) => f.name) } },
    });
    const byName = new Map(existing.map((row) => [row.feature, row]));
    for (const feature of window.features) {
      const row = byName.get(feature.name);
      // A feature whose kind changed (a new version reading it differently) starts over rather than mixing kinds.
      const merged = row ? (mergeSketches([row.sketch as FeatureSketchJson, feature.sketch]) ?? null) : null;
      const sketch = (merged?.toJSON() ?? feature.sketch) as FeatureSketchJson;
      const data = { role: feature.role, count: sketch.count, sketch };
      if (row) await tx.driftWindow.update({ where: { id: row.id }, data });
      else
        await tx.driftWindow.create({
          data: { ...data, variantId: window.variantId, feature: feature.name, windowStart, windowEnd: new Date(start + DRIFT_ROW_MS) },
        });
    }
    return { rows: window.features.length };
  });
}

/** Older rows merge into coarser ones: minutes into hours after a day, hours into days after 30 days. */
export const DRIFT_COMPACTION: readonly CompactionStep[] = [
  { afterMs: 24 * 60 * 60_000, toMs: 60 * 60_000 },
  { afterMs: 30 * 24 * 60 * 60_000, toMs: 24 * 60 * 60_000 },
];

/**
 * Merges old fine-grained rows into coarser ones, so storage per feature grows with days, not minutes. Each coarse
 * window is written in one transaction that deletes the rows it replaces: a crash leaves either all or none.
 */
export async function compactDriftWindows(db: Db, now: number): Promise<{ merged: number; written: number }> {
  let merged = 0;
  let written = 0;
  for (const step of DRIFT_COMPACTION) {
    const rows = await db.driftWindow.findMany({
      where: { windowStart: { lt: new Date(compactionCutoff(now, step)) } },
      orderBy: { windowStart: 'asc' },
      take: COMPACTION_BATCH_ROWS,
      select: { id: true, variantId: true, feature: true, role: true, windowStart: true, windowEnd: true, sketch: true },
    });
    for (const { start, rows: group } of compactionGroups(rows, step, (row) => `${row.variantId}|${row.feature}`)) {
      const first = group[0]!;
      const sketch = mergeSketches(group.map((r) => r.sketch as FeatureSketchJson))?.toJSON() as FeatureSketchJson | undefined;
      if (!sketch) continue;
      await db.$transaction([
        db.driftWindow.deleteMany({ where: { id: { in: group.map((r) => r.id) } } }),
        db.driftWindow.create({
          data: {
            variantId: first.variantId,
            feature: first.feature,
            role: first.role,
            windowStart: new Date(start),
            windowEnd: new Date(start + step.toMs),
            count: sketch.count,
            sketch,
          },
        }),
      ]);
      merged += group.length;
      written++;
    }
  }
  return { merged, written };
}
