import { COMPACTION_BATCH_ROWS, type CompactionStep, compactionCutoff, compactionGroups, LATENCY_BUCKET_COUNT, mergeBuckets } from '@slipway/core';
import type { Db } from '@slipway/db';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Each gateway process writes a latency row (and a shadow row per shadow variant) per variant every few seconds. Past the hour those merge into minutes
 * (across gateways), past two days into hours: the Performance page's longest window (24 hours in 60 slots of 24
 * minutes) and its 6-hour one (6-minute slots) still see every slot, and counts, errors and histograms are sums,
 * so every total read over a window is unchanged.
 */
export const LATENCY_COMPACTION: readonly CompactionStep[] = [
  { afterMs: HOUR, toMs: MINUTE },
  { afterMs: 2 * 24 * HOUR, toMs: HOUR },
];

interface RollupRow {
  id: string;
  variantId: string;
  windowStart: Date;
  windowEnd: Date;
  buckets: number[];
}

/**
 * One table's compaction: rows read before a cutoff, merged per variant and coarse window (the `sums` fields added up,
 * histograms bucket by bucket), each coarse row swapped in for its rows in one transaction by `replace`.
 */
async function compactRollups<const Field extends string, Row extends RollupRow & Record<Field, number>>(
  sums: readonly Field[],
  read: (before: Date) => Promise<Row[]>,
  replace: (ids: string[], merged: Pick<RollupRow, 'variantId' | 'windowStart' | 'windowEnd' | 'buckets'> & Record<Field, number>) => Promise<unknown>,
  now: number,
): Promise<{ merged: number; written: number }> {
  let merged = 0;
  let written = 0;
  for (const step of LATENCY_COMPACTION) {
    // Rows of an older histogram layout cannot be added to: they stay as they are.
    const rows = (await read(new Date(compactionCutoff(now, step)))).filter((row) => row.buckets.length === LATENCY_BUCKET_COUNT);
    for (const { start, rows: group } of compactionGroups(rows, step, (row) => row.variantId)) {
      const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
      for (const row of group) mergeBuckets(buckets, row.buckets);
      const totals = Object.fromEntries(sums.map((field) => [field, group.reduce((total, row) => total + row[field], 0)])) as Record<Field, number>;
      await replace(
        group.map((row) => row.id),
        { variantId: group[0]!.variantId, windowStart: new Date(start), windowEnd: new Date(start + step.toMs), buckets, ...totals },
      );
      merged += group.length;
      written++;
    }
  }
  return { merged, written };
}

/** Merges old latency rows into coarser ones. */
export function compactLatencyRollups(db: Db, now: number): Promise<{ merged: number; written: number }> {
  return compactRollups(
    ['count', 'errors', 'clientErrors', 'sumMs'],
    (before) => db.latencyRollup.findMany({ where: { windowStart: { lt: before } }, orderBy: { windowStart: 'asc' }, take: COMPACTION_BATCH_ROWS }),
    (ids, data) => db.$transaction([db.latencyRollup.deleteMany({ where: { id: { in: ids } } }), db.latencyRollup.create({ data })]),
    now,
  );
}

/** Merges old shadow rows (a shadow variant's agreement with the primary) into coarser ones, the same way. */
export function compactShadowRollups(db: Db, now: number): Promise<{ merged: number; written: number }> {
  return compactRollups(
    ['mirrored', 'agreed', 'disagreed', 'failed', 'sumMs'],
    (before) => db.shadowRollup.findMany({ where: { windowStart: { lt: before } }, orderBy: { windowStart: 'asc' }, take: COMPACTION_BATCH_ROWS }),
    (ids, data) => db.$transaction([db.shadowRollup.deleteMany({ where: { id: { in: ids } } }), db.shadowRollup.create({ data })]),
    now,
  );
}
