import { COMPACTION_BATCH_ROWS, type CompactionStep, compactionCutoff, compactionGroups, LATENCY_BUCKET_COUNT, mergeBuckets } from '@slipway/core';
import type { Db } from '@slipway/db';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Each gateway process writes a latency row per variant every few seconds. Past the hour those merge into minutes
 * (across gateways), past two days into hours: the Performance page's longest window (24 hours in 60 slots of 24
 * minutes) and its 6-hour one (6-minute slots) still see every slot, and counts, errors and histograms are sums,
 * so every total read over a window is unchanged.
 */
export const LATENCY_COMPACTION: readonly CompactionStep[] = [
  { afterMs: HOUR, toMs: MINUTE },
  { afterMs: 2 * 24 * HOUR, toMs: HOUR },
];

/** Merges old latency rows into coarser ones; each coarse row replaces its rows in one transaction. */
export async function compactLatencyRollups(db: Db, now: number): Promise<{ merged: number; written: number }> {
  let merged = 0;
  let written = 0;
  for (const step of LATENCY_COMPACTION) {
    const rows = await db.latencyRollup.findMany({
      where: { windowStart: { lt: new Date(compactionCutoff(now, step)) } },
      orderBy: { windowStart: 'asc' },
      take: COMPACTION_BATCH_ROWS,
    });
    // Rows of an older histogram layout cannot be added to: they stay as they are.
    const mergeable = rows.filter((row) => row.buckets.length === LATENCY_BUCKET_COUNT);
    for (const { start, rows: group } of compactionGroups(mergeable, step, (row) => row.variantId)) {
      const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
      for (const row of group) mergeBuckets(buckets, row.buckets);
      const sum = (field: 'count' | 'errors' | 'clientErrors' | 'sumMs') => group.reduce((total, row) => total + row[field], 0);
      await db.$transaction([
        db.latencyRollup.deleteMany({ where: { id: { in: group.map((row) => row.id) } } }),
        db.latencyRollup.create({
          data: {
            variantId: group[0]!.variantId,
            windowStart: new Date(start),
            windowEnd: new Date(start + step.toMs),
            count: sum('count'),
            errors: sum('errors'),
            clientErrors: sum('clientErrors'),
            sumMs: sum('sumMs'),
            buckets,
          },
        }),
      ]);
      merged += group.length;
      written++;
    }
  }
  return { merged, written };
}
