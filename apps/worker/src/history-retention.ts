import { REPLICA_LOG_RETENTION_MS } from '@slipway/core';
import { type Db, settleAndDeleteReplicas } from '@slipway/db';
import { pruneReplicaLogs } from '@slipway/storage';

const DAY = 24 * 60 * 60_000;

/**
 * How long the rows that autoscaling keeps adding are kept. Every scale event writes a few rollout steps and
 * starts or stops replicas, so without a bound the event log and the replica table would grow with traffic.
 * A month is past every chart's window (the longest is a week); revisions and their specs live in their own
 * table and are never pruned.
 */
export const HISTORY_RETENTION = {
  afterMs: 30 * DAY,
  /** Each deployment's newest events stay however old, so one left alone for months keeps the story of its last rollouts. */
  keepNewestEvents: 200,
};

/** Deletes events past retention beyond each deployment's newest; returns how many went. */
export async function pruneDeploymentEvents(db: Db, now: number, retention = HISTORY_RETENTION): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "DeploymentEvent"
    WHERE "createdAt" < ${new Date(now - retention.afterMs)}
      AND id NOT IN (
        SELECT id FROM (
          SELECT id, row_number() OVER (PARTITION BY "deploymentId" ORDER BY "createdAt" DESC, id DESC) AS newest
          FROM "DeploymentEvent"
        ) ranked
        WHERE newest <= ${retention.keepNewestEvents}
      )`;
}

/**
 * Deletes replicas that stopped or failed before the retention (their resource samples go with them), their
 * replica-hours folded into their deployment's settled spend first; returns how many.
 */
export async function pruneEndedReplicas(db: Db, now: number, retention = HISTORY_RETENTION): Promise<number> {
  return settleAndDeleteReplicas(db, { updatedAt: { lt: new Date(now - retention.afterMs) } }, now);
}

/** Deletes the log files of replicas that are not running and wrote nothing for the retention; returns how many. */
export async function pruneEndedReplicaLogs(db: Db, dir: string, now: number, retentionMs = REPLICA_LOG_RETENTION_MS): Promise<number> {
  const pruned = await pruneReplicaLogs(dir, new Date(now - retentionMs), async (ids) => {
    const running = await db.replica.findMany({ where: { id: { in: ids }, state: { in: ['starting', 'ready', 'draining'] } }, select: { id: true } });
    return new Set(running.map((r) => r.id));
  });
  return pruned.length;
}
