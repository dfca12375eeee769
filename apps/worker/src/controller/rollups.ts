import { LATENCY_BUCKET_COUNT, mergeBuckets, type VariantSample } from '@slipway/core';
import type { Db } from '@slipway/db';

/** The gateways' rollups of some replica sets since a moment, merged into one sample. */
export async function sampleSince(db: Db, variantIds: string[], sinceMs: number): Promise<VariantSample> {
  const rows = await db.latencyRollup.findMany({
    where: { variantId: { in: variantIds }, windowStart: { gte: new Date(sinceMs) } },
    select: { count: true, errors: true, buckets: true },
  });
  const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  let count = 0;
  let errors = 0;
  for (const row of rows) {
    count += row.count;
    errors += row.errors;
    if (row.buckets.length === LATENCY_BUCKET_COUNT) mergeBuckets(buckets, row.buckets);
  }
  return { count, errors, buckets };
}
