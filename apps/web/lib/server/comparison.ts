import { compareAccuracy, compareVariants, LATENCY_BUCKET_COUNT, mergeBuckets, percentileFromBuckets } from '@slipway/core';
import { accuracySince, type VariantRole } from '@slipway/db';
import { serverContext } from './context';

/**
 * Each serving variant's traffic over the last `minutes` (from its latency rollups), shadows' agreement with
 * the primary (from shadow rollups), and every non-shadow variant compared with the baseline.
 */
export async function deploymentComparison(deploymentId: string, minutes: number) {
  const { db } = serverContext();
  const variants = await db.variant.findMany({
    where: { deploymentId, retiredAt: null },
    orderBy: { createdAt: 'asc' },
    select: { id: true, name: true, role: true, trafficWeight: true, mirrorPercent: true, version: { select: { label: true } } },
  });
  const inWindow = { variantId: { in: variants.map((v) => v.id) }, windowEnd: { gte: new Date(Date.now() - minutes * 60_000) } };
  const [latencyRows, shadowRows] = await Promise.all([
    db.latencyRollup.findMany({ where: inWindow, select: { variantId: true, count: true, errors: true, buckets: true } }),
    db.shadowRollup.findMany({
      where: inWindow,
      select: { variantId: true, mirrored: true, agreed: true, disagreed: true, failed: true, buckets: true },
    }),
  ]);
  const compared = compareDeploymentVariants(
    variants,
    sumRollups(latencyRows, ['count', 'errors']),
    sumRollups(shadowRows, ['mirrored', 'agreed', 'disagreed', 'failed']),
  );
  // Accuracy from the predictions ledger joined with feedback (issue 24), with the same always-valid test.
  const since = new Date(Date.now() - minutes * 60_000);
  const comparisons = await Promise.all(
    compared.comparisons.map(async (c) => ({
      ...c,
      accuracy: compareAccuracy(await accuracySince(db, [c.baseline], since), await accuracySince(db, [c.candidate], since)),
    })),
  );
  return { window: { minutes }, ...compared, comparisons };
}

interface VariantRow {
  id: string;
  name: string;
  role: VariantRole;
  trafficWeight: number;
  mirrorPercent: number;
  version: { label: number };
}

type Sums<K extends string> = Record<K, number> & { buckets: number[] };
type LatencySums = Sums<'count' | 'errors'>;
type ShadowSums = Sums<'mirrored' | 'agreed' | 'disagreed' | 'failed'>;

const round = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
const emptyBuckets = () => new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
const percentiles = (buckets: readonly number[]) => ({
  p50: round(percentileFromBuckets(buckets, 50)),
  p95: round(percentileFromBuckets(buckets, 95)),
  p99: round(percentileFromBuckets(buckets, 99)),
});

/** Sums rollup rows per variant: the named counters, and the histograms bucket by bucket. */
function sumRollups<K extends string>(rows: readonly (Sums<K> & { variantId: string })[], counters: readonly K[]): Map<string, Sums<K>> {
  const sums = new Map<string, Sums<K>>();
  for (const row of rows) {
    let sum = sums.get(row.variantId);
    if (!sum) {
      sum = { ...(Object.fromEntries(counters.map((k) => [k, 0])) as Record<K, number>), buckets: emptyBuckets() };
      sums.set(row.variantId, sum);
    }
    const totals: Record<K, number> = sum;
    for (const k of counters) totals[k] += row[k];
    // A row written with another bucket layout still counts, but cannot be merged into the histogram.
    if (row.buckets.length === LATENCY_BUCKET_COUNT) mergeBuckets(sum.buckets, row.buckets);
  }
  return sums;
}

/**
 * The page's numbers from summed rollups. The baseline is the primary with the most traffic (else the
 * first non-shadow variant): shadows have no latency rollups of their own, their answers never reach callers.
 */
function compareDeploymentVariants(variants: readonly VariantRow[], latency: Map<string, LatencySums>, shadows: Map<string, ShadowSums>) {
  const sampleOf = (id: string): LatencySums => latency.get(id) ?? { count: 0, errors: 0, buckets: emptyBuckets() };
  const views = variants.map((v) => {
    const { count, errors, buckets } = sampleOf(v.id);
    const s = shadows.get(v.id);
    const isShadow = v.role === 'shadow' || v.mirrorPercent > 0 || s !== undefined;
    const decided = s ? s.agreed + s.disagreed : 0;
    return {
      id: v.id,
      name: v.name,
      role: v.role,
      versionLabel: v.version.label,
      trafficWeight: v.trafficWeight,
      mirrorPercent: v.mirrorPercent,
      requests: count,
      errors,
      errorRate: count > 0 ? errors / count : null,
      ...percentiles(buckets),
      shadow: isShadow
        ? {
            mirrored: s?.mirrored ?? 0,
            agreed: s?.agreed ?? 0,
            disagreed: s?.disagreed ?? 0,
            failed: s?.failed ?? 0,
            agreementRate: s && decided > 0 ? s.agreed / decided : null,
            ...percentiles(s?.buckets ?? emptyBuckets()),
          }
        : null,
    };
  });

  const primaries = variants.filter((v) => v.role === 'primary');
  const baseline =
    primaries.reduce<VariantRow | undefined>((best, v) => (!best || v.trafficWeight > best.trafficWeight ? v : best), undefined) ??
    variants.find((v) => v.role !== 'shadow') ??
    variants[0];
  const comparisons = baseline
    ? variants
        .filter((v) => v.id !== baseline.id && v.role !== 'shadow')
        .map((v) => ({ baseline: baseline.id, candidate: v.id, ...compareVariants(sampleOf(baseline.id), sampleOf(v.id)) }))
    : [];
  return { variants: views, comparisons };
}
