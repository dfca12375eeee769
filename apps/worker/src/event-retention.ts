import type { Db } from '@slipway/db';

const DAY = 24 * 60 * 60_000;

/**
 * Rollout, scaling and self-healing steps older than `afterMs` are deleted, except each deployment's newest
 * `keepNewest`: an autoscaled deployment writes a few steps per scale event, so its log would otherwise grow
 * with traffic, while a deployment left alone for months keeps the story of its last rollouts. Revisions and
 * their specs live in their own table and are never pruned.
 */
export const EVENT_RETENTION = { afterMs: 30 * DAY, keepNewest: 200 };

/** Deletes the events past retention; returns how many went. */
export async function pruneDeploymentEvents(db: Db, now: number, retention = EVENT_RETENTION): Promise<number> {
  return db.$executeRaw`
    DELETE FROM "DeploymentEvent"
    WHERE "createdAt" < ${new Date(now - retention.afterMs)}
      AND id NOT IN (
        SELECT id FROM (
          SELECT id, row_number() OVER (PARTITION BY "deploymentId" ORDER BY "createdAt" DESC, id DESC) AS newest
          FROM "DeploymentEvent"
        ) ranked
        WHERE newest <= ${retention.keepNewest}
      )`;
}
