import { randomUUID } from 'node:crypto';
import { createDb, type Db } from '@slipway/db';
import { requireTestEnv, seedDeployment } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneDeploymentEvents } from './event-retention';

const DAY = 24 * 60 * 60_000;

describe('deployment event retention', () => {
  const env = requireTestEnv();
  let db: Db;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
  });

  afterAll(async () => {
    await db?.$disconnect();
  });

  /** A deployment with one event per `ages` entry, that many days before `now`; returns its id. */
  const deploymentWithEvents = async (now: number, ages: number[]) => {
    const { deployment } = await seedDeployment(db, `events-${randomUUID().slice(0, 8)}`, ['primary']);
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

  it('deletes events past the retention beyond the newest of each deployment, and leaves recent ones and other deployments alone', async () => {
    const now = Date.now();
    const busy = await deploymentWithEvents(now, [1, 2, 40, 50, 60, 70]);
    const quiet = await deploymentWithEvents(now, [90, 100]);

    expect(await pruneDeploymentEvents(db, now, { afterMs: 30 * DAY, keepNewest: 3 })).toBe(3);
    // The busy one keeps its two recent events and the newest old one; the quiet one, within its newest 3, keeps both.
    expect(await messages(busy)).toEqual(['event 0 (1 days old)', 'event 1 (2 days old)', 'event 2 (40 days old)']);
    expect(await messages(quiet)).toEqual(['event 0 (90 days old)', 'event 1 (100 days old)']);
    // Run again: nothing more is past retention.
    expect(await pruneDeploymentEvents(db, now, { afterMs: 30 * DAY, keepNewest: 3 })).toBe(0);
  });
});
