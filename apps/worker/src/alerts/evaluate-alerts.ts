import { alertRuleFieldsSchema, evaluateAlert, mergeBuckets, percentileFromBuckets, type AlertWindowSummary } from '@slipway/core';
import { accuracySince, type Db } from '@slipway/db';
import type { JobProducer } from '@slipway/queue';

export interface AlertEvaluationDeps {
  db: Db;
  producer: Pick<JobProducer, 'enqueue'>;
  clock: () => number;
  /** The features of a deployment drifting over [from, to); drift rules only. */
  driftingFeatures: (deploymentId: string, from: number, to: number) => Promise<string[]>;
}

/** Requests, 5xx answers and p99 of a deployment's variants over the rollup windows ending after `from`. */
export async function trafficSummary(db: Db, deploymentId: string, from: number): Promise<Omit<AlertWindowSummary, 'driftingFeatures'>> {
  const rows = await db.latencyRollup.findMany({
    where: { variant: { deploymentId }, windowEnd: { gt: new Date(from) } },
    select: { count: true, errors: true, buckets: true },
  });
  let buckets: number[] = [];
  let requests = 0;
  let errors = 0;
  for (const row of rows) {
    requests += row.count;
    errors += row.errors;
    buckets = buckets.length === 0 ? [...row.buckets] : mergeBuckets(buckets, row.buckets);
  }
  return { requests, errors, p99Ms: percentileFromBuckets(buckets, 99) };
}

/** Labelled answers of a deployment's variants answered since `from`, and how many were right (from the ledger and feedback). */
async function deploymentAccuracy(db: Db, deploymentId: string, from: number): Promise<{ labelled: number; correct: number }> {
  const variants = await db.variant.findMany({ where: { deploymentId }, select: { id: true } });
  const sample = await accuracySince(
    db,
    variants.map((v) => v.id),
    new Date(from),
  );
  return { labelled: sample.labeled, correct: sample.correct };
}

/**
 * Checks every rule against its window and records what changed. The rule's state moves only if no other evaluation
 * moved it first (a conditional update in the same transaction as the event), so an event is never recorded twice.
 * Webhook deliveries are enqueued as their own jobs: evaluation never waits on a webhook.
 */
export async function evaluateAlerts(deps: AlertEvaluationDeps): Promise<{ fired: number; resolved: number }> {
  const { db, clock } = deps;
  const now = clock();
  const rules = await db.alertRule.findMany({
    where: { OR: [{ enabled: true }, { firing: true }] },
    include: { deployment: { select: { status: true } } },
  });
  let fired = 0;
  let resolved = 0;
  for (const row of rules) {
    const rule = alertRuleFieldsSchema.safeParse(row);
    if (!rule.success) continue;
    const from = now - rule.data.windowSeconds * 1000;
    const traffic = await trafficSummary(db, row.deploymentId, from);
    const drifting = rule.data.kind === 'drift' ? await deps.driftingFeatures(row.deploymentId, from, now) : [];
    const accuracy = rule.data.kind === 'accuracy' ? await deploymentAccuracy(db, row.deploymentId, from) : {};
    const decision = evaluateAlert(
      rule.data,
      { ...traffic, driftingFeatures: drifting, ...accuracy },
      {
        firing: row.firing,
        lastFiredAt: row.lastFiredAt?.getTime() ?? null,
        deploymentStopped: row.deployment.status === 'stopped' || row.deployment.status === 'stopping',
      },
      now,
    );
    if (decision.action === 'none') continue;
    const firing = decision.action === 'fire';
    const event = await db.$transaction(async (tx) => {
      const moved = await tx.alertRule.updateMany({
        where: { id: row.id, firing: row.firing },
        data: firing ? { firing: true, lastFiredAt: new Date(now) } : { firing: false },
      });
      if (moved.count === 0) return null;
      return tx.alertEvent.create({
        data: {
          deploymentId: row.deploymentId,
          ruleId: row.id,
          kind: row.kind,
          state: firing ? 'fired' : 'resolved',
          value: decision.value,
          threshold: row.threshold,
          message: decision.message,
          at: new Date(now),
          delivery: row.webhookUrl ? 'pending' : 'none',
        },
      });
    });
    if (!event) continue;
    if (firing) fired++;
    else resolved++;
    if (row.webhookUrl) await deps.producer.enqueue('deliverAlert', { eventId: event.id });
  }
  return { fired, resolved };
}
