import { DEFAULT_QUALITY_SETTINGS } from '@slipway/core';
import type { Db } from './client';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Retention of the quality data, per deployment (its QualitySettings, else the defaults): capture hours older
 * than `captureRetentionDays` (rows, then their blobs when nothing else references them), ledger rows and
 * feedback older than `ledgerRetentionDays`. Idempotent: a crash midway is finished by the next run.
 */
export async function pruneQuality(
  deps: { db: Db; deleteBlob: (digest: string) => Promise<void> },
  now: number,
): Promise<{ captureBatches: number; predictions: number; feedback: number }> {
  const { db, deleteBlob } = deps;
  const captureDays = DEFAULT_QUALITY_SETTINGS.captureRetentionDays;
  const ledgerDays = DEFAULT_QUALITY_SETTINGS.ledgerRetentionDays;
  const at = new Date(now);
  const expired = await db.$queryRaw<{ id: string; digest: string }[]>`
    SELECT b.id, b.digest FROM "CaptureBatch" b LEFT JOIN "QualitySettings" s ON s."deploymentId" = b."deploymentId"
    WHERE b.hour + make_interval(hours => 1) <= ${at}::timestamp - make_interval(days => coalesce(s."captureRetentionDays", ${captureDays}))`;
  for (const batch of expired) {
    await db.captureBatch.delete({ where: { id: batch.id } });
    const stillUsed = (await db.captureBatch.count({ where: { digest: batch.digest } })) + (await db.modelVersion.count({ where: { digest: batch.digest } }));
    if (stillUsed === 0) await deleteBlob(batch.digest);
  }
  const predictions = await db.$executeRaw`
    DELETE FROM "Prediction" p USING (SELECT d.id, coalesce(s."ledgerRetentionDays", ${ledgerDays}) AS days FROM "Deployment" d LEFT JOIN "QualitySettings" s ON s."deploymentId" = d.id) r
    WHERE p."deploymentId" = r.id AND p."answeredAt" < ${at}::timestamp - make_interval(days => r.days)`;
  const feedback = await db.$executeRaw`
    DELETE FROM "Feedback" f USING (SELECT d.id, coalesce(s."ledgerRetentionDays", ${ledgerDays}) AS days FROM "Deployment" d LEFT JOIN "QualitySettings" s ON s."deploymentId" = d.id) r
    WHERE f."deploymentId" = r.id AND f."receivedAt" < ${at}::timestamp - make_interval(days => r.days)`;
  // Rows of deleted deployments (no relation holds them) go once they are past the default retention.
  const orphans = await db.$executeRaw`
    DELETE FROM "Prediction" p WHERE p."answeredAt" < ${at}::timestamp - make_interval(days => ${ledgerDays}) AND NOT EXISTS (SELECT 1 FROM "Deployment" d WHERE d.id = p."deploymentId")`;
  return { captureBatches: expired.length, predictions: predictions + orphans, feedback };
}
