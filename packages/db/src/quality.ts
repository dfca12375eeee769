import {
  type AccuracySample,
  type CalibrationCell,
  type ConfidenceCell,
  type ConfusionCell,
  calibration,
  classificationMetrics,
  classifyUnmatched,
  estimateAccuracy,
  type FeedbackItem,
  type FeedbackResult,
  regressionMetrics,
  requestIdTime,
} from '@slipway/core';
import type { Db } from './client';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Stores ground truth for answers of one deployment and says how many matched the predictions ledger. Items
 * for answers past the ledger's retention are `expired` and not kept; the others are kept (a repeat or a
 * correction replaces the label, the first arrival time stays), so an answer whose ledger row is still being
 * written joins later. One statement: a batch is stored whole or not at all.
 */
export async function recordFeedback(
  db: Db,
  deploymentId: string,
  items: readonly FeedbackItem[],
  now: number,
  ledgerRetentionDays: number,
): Promise<FeedbackResult> {
  const latest = new Map(items.map((item) => [item.requestId, item]));
  const ids = [...latest.keys()];
  const oldestKept = now - ledgerRetentionDays * DAY_MS;
  const found = await db.$queryRaw<{ requestId: string; answeredAt: Date }[]>`
    SELECT "requestId", "answeredAt" FROM "Prediction" WHERE "deploymentId" = ${deploymentId}::uuid AND "requestId" = ANY(${ids}::text[])`;
  const inLedger = new Map(found.map((row) => [row.requestId, row.answeredAt.getTime()]));
  const joinedIds = ids.filter((id) => (inLedger.get(id) ?? -1) >= oldestKept);
  const pastLedger = ids.filter((id) => (inLedger.get(id) ?? Number.POSITIVE_INFINITY) < oldestKept).length;
  const unmatched = ids.filter((id) => !inLedger.has(id));
  const { unknown, expired } = classifyUnmatched(unmatched, requestIdTime, oldestKept);
  const kept = [...joinedIds, ...unmatched.filter((id) => (requestIdTime(id) ?? now) >= oldestKept)];
  const labels = kept.map((id) => {
    const item = latest.get(id)!;
    return 'label' in item ? String(item.label) : null;
  });
  const values = kept.map((id) => {
    const item = latest.get(id)!;
    return 'value' in item ? item.value : null;
  });
  if (kept.length > 0) {
    await db.$executeRaw`
      INSERT INTO "Feedback" ("deploymentId", "requestId", "label", "value", "receivedAt")
      SELECT ${deploymentId}::uuid, t.r, t.l, t.v, ${new Date(now)}
      FROM unnest(${kept}::text[], ${labels}::text[], ${values}::float8[]) AS t(r, l, v)
      ON CONFLICT ("deploymentId", "requestId") DO UPDATE SET "label" = EXCLUDED."label", "value" = EXCLUDED."value"`;
  }
  return { received: ids.length, joined: joinedIds.length, unknown, expired: pastLedger + expired };
}

/** Labelled answers and how many were right, over the given variants since `since` (the canary accuracy guardrail). */
export async function accuracySince(db: Db, variantIds: readonly string[], since: Date): Promise<AccuracySample> {
  if (variantIds.length === 0) return { labeled: 0, correct: 0 };
  const [row] = await db.$queryRaw<{ labeled: bigint; correct: bigint }[]>`
    SELECT count(*) AS labeled, count(*) FILTER (WHERE p."label" = f."label") AS correct
    FROM "Prediction" p JOIN "Feedback" f ON f."deploymentId" = p."deploymentId" AND f."requestId" = p."requestId"
    WHERE p."variantId" = ANY(${variantIds as string[]}::uuid[]) AND p."answeredAt" >= ${since} AND f."label" IS NOT NULL AND p."label" IS NOT NULL`;
  return { labeled: Number(row?.labeled ?? 0), correct: Number(row?.correct ?? 0) };
}

export interface QualityWindow {
  from: Date;
  to: Date;
  bucketMs: number;
}

interface VariantInfo {
  id: string;
  name: string;
  role: string;
  versionId: string;
  versionLabel: number;
}

/** One variant's quality over the window: measured where labels exist, estimated from confidences where not. */
export function variantQuality(
  variant: VariantInfo,
  rows: {
    confusion: ConfusionCell[];
    regression: { count: number; sumAbsError: number; sumSquaredError: number };
    labelledBins: CalibrationCell[];
    allBins: ConfidenceCell[];
    answers: number;
    labelled: number;
    medianDelayMs: number | null;
    p90DelayMs: number | null;
    series: { bucket: number; answers: number; labelled: number; correct: number; absError: number; bins: ConfidenceCell[] }[];
  },
) {
  const classification = classificationMetrics(rows.confusion);
  return {
    variant: { id: variant.id, name: variant.name, role: variant.role, versionId: variant.versionId, versionLabel: variant.versionLabel },
    answers: rows.answers,
    labelled: rows.labelled,
    coverage: rows.answers > 0 ? rows.labelled / rows.answers : null,
    labelDelay: { medianMs: rows.medianDelayMs, p90Ms: rows.p90DelayMs },
    classification: classification.labeled > 0 ? classification : null,
    regression: rows.regression.count > 0 ? regressionMetrics(rows.regression) : null,
    calibration: rows.labelledBins.length > 0 ? calibration(rows.labelledBins) : null,
    estimate: estimateAccuracy(rows.allBins, rows.labelledBins),
    series: rows.series.map((b) => ({
      at: new Date(b.bucket).toISOString(),
      answers: b.answers,
      labelled: b.labelled,
      accuracy: b.labelled > 0 ? b.correct / b.labelled : null,
      mae: b.labelled > 0 && b.absError > 0 ? b.absError / b.labelled : null,
      estimatedAccuracy: estimateAccuracy(b.bins, rows.labelledBins).estimate,
    })),
  };
}
export type VariantQuality = ReturnType<typeof variantQuality>;

const JOIN = `FROM "Prediction" p LEFT JOIN "Feedback" f ON f."deploymentId" = p."deploymentId" AND f."requestId" = p."requestId"`;
const n = (v: bigint | number | null | undefined) => Number(v ?? 0);

/**
 * Quality per variant (and so per version) of a deployment over a window, with a series per bucket. The
 * database groups the ledger joined with feedback, so memory is bounded by variants × buckets × classes.
 */
export async function loadQualityReport(db: Db, deploymentId: string, window: QualityWindow): Promise<VariantQuality[]> {
  const variants = await db.variant.findMany({
    where: { deploymentId },
    orderBy: { createdAt: 'asc' },
    select: { id: true, name: true, role: true, versionId: true, version: { select: { label: true } } },
  });
  const args = [deploymentId, window.from, window.to] as const;
  const where = `WHERE p."deploymentId" = $1::uuid AND p."answeredAt" >= $2 AND p."answeredAt" < $3`;
  const q = <T>(sql: string, ...extra: unknown[]) => db.$queryRawUnsafe<T[]>(sql, ...args, ...extra);
  const [confusion, regression, labelledBins, allBins, totals, series, seriesBins] = await Promise.all([
    q<{ v: string; actual: string; predicted: string; c: bigint }>(
      `SELECT p."variantId" v, f."label" actual, p."label" predicted, count(*) c ${JOIN} ${where} AND f."label" IS NOT NULL AND p."label" IS NOT NULL GROUP BY 1, 2, 3`,
    ),
    q<{ v: string; c: bigint; abs: number; sq: number }>(
      `SELECT p."variantId" v, count(*) c, sum(abs(p."value" - f."value")) abs, sum((p."value" - f."value") ^ 2) sq ${JOIN} ${where} AND f."value" IS NOT NULL AND p."value" IS NOT NULL GROUP BY 1`,
    ),
    q<{ v: string; bin: number; c: bigint; conf: number; correct: bigint }>(
      `SELECT p."variantId" v, least(9, floor(p."confidence" * 10))::int bin, count(*) c, sum(p."confidence") conf, count(*) FILTER (WHERE p."label" = f."label") correct ${JOIN} ${where} AND f."label" IS NOT NULL AND p."confidence" IS NOT NULL GROUP BY 1, 2`,
    ),
    q<{ v: string; bin: number; c: bigint; conf: number }>(
      `SELECT p."variantId" v, least(9, floor(p."confidence" * 10))::int bin, count(*) c, sum(p."confidence") conf FROM "Prediction" p ${where} AND p."confidence" IS NOT NULL GROUP BY 1, 2`,
    ),
    q<{ v: string; answers: bigint; labelled: bigint; median: number | null; p90: number | null }>(
      `SELECT p."variantId" v, count(*) answers, count(f."requestId") labelled,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f."receivedAt" - p."answeredAt") * 1000) median,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM f."receivedAt" - p."answeredAt") * 1000) p90
       ${JOIN} ${where} GROUP BY 1`,
    ),
    q<{ v: string; bucket: number; answers: bigint; labelled: bigint; correct: bigint; abs: number | null }>(
      `SELECT p."variantId" v, (floor(extract(epoch FROM p."answeredAt") * 1000 / $4) * $4)::float8 bucket, count(*) answers,
         count(f."requestId") labelled, count(*) FILTER (WHERE p."label" = f."label") correct, sum(abs(p."value" - f."value")) abs
       ${JOIN} ${where} GROUP BY 1, 2 ORDER BY 2`,
      window.bucketMs,
    ),
    q<{ v: string; bucket: number; bin: number; c: bigint; conf: number }>(
      `SELECT p."variantId" v, (floor(extract(epoch FROM p."answeredAt") * 1000 / $4) * $4)::float8 bucket, least(9, floor(p."confidence" * 10))::int bin,
         count(*) c, sum(p."confidence") conf FROM "Prediction" p ${where} AND p."confidence" IS NOT NULL GROUP BY 1, 2, 3`,
      window.bucketMs,
    ),
  ]);
  return variants
    .map((variant) => {
      const mine = <T extends { v: string }>(rows: T[]) => rows.filter((r) => r.v === variant.id);
      const total = mine(totals)[0];
      const reg = mine(regression)[0];
      const bins = mine(seriesBins);
      return variantQuality(
        { id: variant.id, name: variant.name, role: variant.role, versionId: variant.versionId, versionLabel: variant.version.label },
        {
          confusion: mine(confusion).map((r) => ({ actual: r.actual, predicted: r.predicted, count: n(r.c) })),
          regression: { count: n(reg?.c), sumAbsError: Number(reg?.abs ?? 0), sumSquaredError: Number(reg?.sq ?? 0) },
          labelledBins: mine(labelledBins).map((r) => ({ bin: r.bin, count: n(r.c), sumConfidence: Number(r.conf), correct: n(r.correct) })),
          allBins: mine(allBins).map((r) => ({ bin: r.bin, count: n(r.c), sumConfidence: Number(r.conf) })),
          answers: n(total?.answers),
          labelled: n(total?.labelled),
          medianDelayMs: total?.median ?? null,
          p90DelayMs: total?.p90 ?? null,
          series: mine(series).map((s) => ({
            bucket: Number(s.bucket),
            answers: n(s.answers),
            labelled: n(s.labelled),
            correct: n(s.correct),
            absError: Number(s.abs ?? 0),
            bins: bins.filter((b) => Number(b.bucket) === Number(s.bucket)).map((b) => ({ bin: b.bin, count: n(b.c), sumConfidence: Number(b.conf) })),
          })),
        },
      );
    })
    .filter((q) => q.answers > 0);
}
