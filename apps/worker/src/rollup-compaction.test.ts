import { randomUUID } from 'node:crypto';
import { LATENCY_BUCKET_COUNT } from '@slipway/core';
import { createDb, type Db } from '@slipway/db';
import { requireTestEnv, seedDeployment } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactLatencyRollups, compactShadowRollups } from './rollup-compaction';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('rollup compaction', () => {
  const env = requireTestEnv();
  let db: Db;
  let variantId: string;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
    const seeded = await seedDeployment(db, `compact-${randomUUID().slice(0, 8)}`, ['primary']);
    variantId = seeded.variantIds.primary;
  });

  afterAll(async () => {
    await db?.$disconnect();
  });

  /** A gateway's flush window: `requests` answered, one latency in bucket `bucket`, each taking `ms`. */
  const flush = (start: number, lengthMs: number, requests: number, bucket: number) => {
    const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    buckets[bucket] = requests;
    return {
      variantId,
      windowStart: new Date(start),
      windowEnd: new Date(start + lengthMs),
      count: requests,
      errors: requests % 2,
      clientErrors: 1,
      sumMs: requests * 2.5,
      buckets,
    };
  };

  const totals = async () => {
    const rows = await db.latencyRollup.findMany({ where: { variantId } });
    const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    for (const row of rows) for (const [i, n] of row.buckets.entries()) buckets[i]! += n;
    const sum = (field: 'count' | 'errors' | 'clientErrors' | 'sumMs') => rows.reduce((total, row) => total + row[field], 0);
    return { count: sum('count'), errors: sum('errors'), clientErrors: sum('clientErrors'), sumMs: sum('sumMs'), buckets };
  };

  it('merges hour-old flush windows of every gateway into minutes and two-day-old minutes into hours, totals unchanged', async () => {
    const now = Date.now();
    const oldMinute = Math.floor((now - 2 * HOUR) / MINUTE) * MINUTE;
    const oldHour = Math.floor((now - 3 * 24 * HOUR) / HOUR) * HOUR;
    await db.latencyRollup.createMany({
      data: [
        // Two gateways flushing every 5 seconds through one minute two hours ago; the last flush straddles the minute.
        ...Array.from({ length: 12 }, (_, i) => flush(oldMinute + i * 5_000 + 300, 5_000, i + 1, i)),
        ...Array.from({ length: 12 }, (_, i) => flush(oldMinute + i * 5_000 + 2_100, 5_000, 2, 3)),
        // Three minutes of one hour three days ago.
        flush(oldHour, MINUTE, 10, 5),
        flush(oldHour + MINUTE, MINUTE, 20, 6),
        flush(oldHour + 59 * MINUTE, MINUTE, 30, 7),
        // The last minutes: the Performance page's 5-second detail, kept.
        flush(now - 5 * MINUTE, 5_000, 7, 1),
        flush(now - 5 * MINUTE + 5_000, 5_000, 8, 1),
      ],
    });
    const before = await totals();

    expect(await compactLatencyRollups(db, now)).toEqual({ merged: 24 + 3, written: 2 });
    const rows = await db.latencyRollup.findMany({ where: { variantId }, orderBy: { windowStart: 'asc' } });
    expect(rows.map((r) => [r.windowStart.getTime(), r.windowEnd.getTime() - r.windowStart.getTime(), r.count])).toEqual([
      [oldHour, HOUR, 60],
      [oldMinute, MINUTE, 78 + 24],
      [now - 5 * MINUTE, 5_000, 7],
      [now - 5 * MINUTE + 5_000, 5_000, 8],
    ]);
    expect(await totals()).toEqual(before);
    // A second pass finds nothing left to merge.
    expect(await compactLatencyRollups(db, now)).toEqual({ merged: 0, written: 0 });
  });

  it('merges shadow rows the same way, agreement counts and histograms summed', async () => {
    const now = Date.now();
    const oldMinute = Math.floor((now - 3 * HOUR) / MINUTE) * MINUTE;
    const shadow = (start: number, mirrored: number) => {
      const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
      buckets[2] = mirrored;
      return {
        variantId,
        windowStart: new Date(start),
        windowEnd: new Date(start + 5_000),
        mirrored,
        agreed: mirrored - 1,
        disagreed: 1,
        failed: 0,
        sumMs: mirrored * 3,
        buckets,
      };
    };
    await db.shadowRollup.createMany({ data: [shadow(oldMinute, 4), shadow(oldMinute + 5_000, 6), shadow(now - MINUTE, 9)] });
    expect(await compactShadowRollups(db, now)).toEqual({ merged: 2, written: 1 });
    const rows = await db.shadowRollup.findMany({ where: { variantId }, orderBy: { windowStart: 'asc' } });
    expect(
      rows.map((r) => [r.windowStart.getTime(), r.windowEnd.getTime() - r.windowStart.getTime(), r.mirrored, r.agreed, r.disagreed, r.sumMs, r.buckets[2]]),
    ).toEqual([
      [oldMinute, MINUTE, 10, 8, 2, 30, 10],
      [now - MINUTE, 5_000, 9, 8, 1, 27, 9],
    ]);
  });
});
