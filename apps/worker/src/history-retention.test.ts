import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '@slipway/db';
import { requireTestEnv, seedDeployment } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneDeploymentEvents, pruneEndedReplicas } from './history-retention';

const DAY = 24 * 60 * 60_000;
const RETENTION = { afterMs: 30 * DAY, keepNewestEvents: 3 };

describe('history retention', () => {
  const env = requireTestEnv();
  let db: Db;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
  });

  afterAll(async () => {
    await db?.$disconnect();
  });

  const seed = () => seedDeployment(db, `history-${randomUUID().slice(0, 8)}`, ['primary']);

  it('deletes events past the retention beyond the newest of each deployment, and leaves recent ones alone', async () => {
    const now = Date.now();
    /** A deployment with one event per entry of `ages`, that many days old. */
    const withEvents = async (ages: number[]) => {
      const { deployment } = await seed();
      await db.deploymentEvent.createMany({
        data: ages.map((days, i) => ({
          deploymentId: deployment.id,
          step: 'autoscale',
          message: `event ${i} (${days} days old)`,
          createdAt: new Date(now - days * DAY),
        })),
      });
      return deployment.id;
    };
    const messages = async (deploymentId: string) =>
      (await db.deploymentEvent.findMany({ where: { deploymentId }, orderBy: { createdAt: 'desc' }, select: { message: true } })).map((e) => e.message);
    const busy = await withEvents([1, 2, 40, 50, 60, 70]);
    const quiet = await withEvents([90, 100]);

    expect(await pruneDeploymentEvents(db, now, RETENTION)).toBe(3);
    // The busy one keeps its two recent events and the newest old one; the quiet one, within its newest 3, keeps both.
    expect(await messages(busy)).toEqual(['event 0 (1 days old)', 'event 1 (2 days old)', 'event 2 (40 days old)']);
    expect(await messages(quiet)).toEqual(['event 0 (90 days old)', 'event 1 (100 days old)']);
    // Run again: nothing more is past retention.
    expect(await pruneDeploymentEvents(db, now, RETENTION)).toBe(0);
  });

  it('deletes replicas that ended before the retention with their samples, never a live one however old', async () => {
    const now = Date.now();
    const { variantIds } = await seed();
    const replica = (state: 'ready' | 'draining' | 'stopped' | 'failed', daysAgo: number) =>
      db.replica.create({ data: { variantId: variantIds.primary, state, reason: `${state} ${daysAgo} days ago`, createdAt: new Date(now - daysAgo * DAY) } });
    const [oldStopped, oldFailed, recentStopped, oldReady, oldDraining] = await Promise.all([
      replica('stopped', 40),
      replica('failed', 45),
      replica('stopped', 2),
      replica('ready', 60),
      replica('draining', 60),
    ]);
    // updatedAt is when the row last changed, i.e. when it ended: set it as the controller would have then.
    for (const [row, daysAgo] of [
      [oldStopped, 40],
      [oldFailed, 45],
      [recentStopped, 2],
      [oldReady, 60],
      [oldDraining, 60],
    ] as const) {
      await db.$executeRaw`UPDATE "Replica" SET "updatedAt" = ${new Date(now - daysAgo * DAY)} WHERE id = ${row.id}::uuid`;
    }
    await db.replicaResourceSample.create({ data: { replicaId: oldStopped.id, at: new Date(now - 40 * DAY), cpuPercent: 3, rssBytes: 1n } });

    expect(await pruneEndedReplicas(db, now, RETENTION)).toBe(2);
    const left = await db.replica.findMany({ where: { variantId: variantIds.primary }, select: { id: true } });
    expect(left.map((r) => r.id).sort()).toEqual([recentStopped.id, oldReady.id, oldDraining.id].sort());
    expect(await db.replicaResourceSample.count({ where: { replicaId: oldStopped.id } })).toBe(0);
  });
});
