import { LATENCY_BUCKET_COUNT, mergeBuckets, percentileFromBuckets } from '@slipway/core';
import { serverContext } from './context';

const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

/**
 * Rollup rows merged into time slots (about 60 per chart) and read as percentiles. Every slot of the
 * window is returned, empty ones with null percentiles, so a chart shows gaps instead of drawing a
 * line across an hour without traffic.
 */
export async function deploymentLatency(deploymentId: string, minutes: number) {
  const since = new Date(Date.now() - minutes * 60_000);
  const rollups = await serverContext().db.latencyRollup.findMany({
    where: { variant: { deploymentId }, windowEnd: { gte: since } },
    orderBy: { windowEnd: 'asc' },
  });
  const slotMs = Math.max(5_000, Math.ceil((minutes * 60_000) / 60 / 5_000) * 5_000);
  const slots = new Map<number, { count: number; errors: number; buckets: number[] }>();
  for (const r of rollups) {
    const slot = Math.floor(r.windowEnd.getTime() / slotMs) * slotMs;
    let acc = slots.get(slot);
    if (!acc) {
      acc = { count: 0, errors: 0, buckets: new Array(LATENCY_BUCKET_COUNT).fill(0) };
      slots.set(slot, acc);
    }
    acc.count += r.count;
    acc.errors += r.errors;
    if (r.buckets.length === LATENCY_BUCKET_COUNT) mergeBuckets(acc.buckets, r.buckets);
  }
  const points = [];
  for (let slot = Math.floor(since.getTime() / slotMs) * slotMs; slot <= Date.now(); slot += slotMs) {
    const acc = slots.get(slot);
    points.push({
      t: new Date(slot).toISOString(),
      count: acc?.count ?? 0,
      errors: acc?.errors ?? 0,
      p50: acc ? round(percentileFromBuckets(acc.buckets, 50)) : null,
      p95: acc ? round(percentileFromBuckets(acc.buckets, 95)) : null,
      p99: acc ? round(percentileFromBuckets(acc.buckets, 99)) : null,
    });
  }
  return { points };
}
