import { randomUUID } from 'node:crypto';
import { createDb, type Db, loadSpend, settleAndDeleteReplicas } from '@slipway/db';
import { requireTestEnv, seedDeployment } from '@slipway/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOUR = 3_600_000;

describe('spend to date from replica lifetimes in the database', () => {
  const env = requireTestEnv();
  let db: Db;

  beforeAll(async () => {
    db = createDb(env.databaseUrl, { poolSize: 2 });
  });

  afterAll(async () => {
    await db?.$disconnect();
  });

  /** A deployment whose primary runs on a machine of its own at `hourlyCost`, with replicas of the given lifetimes. */
  async function seedLifetimes(hourlyCost: number, lifetimes: { state: 'ready' | 'draining' | 'stopped' | 'failed'; from: number; to?: number }[]) {
    const seeded = await seedDeployment(db, `spend-${randomUUID().slice(0, 8)}`, ['primary']);
    const machine = await db.machineType.create({ data: { name: `spend-${randomUUID().slice(0, 8)}`, vcpu: 1, memoryMb: 512, hourlyCost } });
    await db.variant.update({ where: { id: seeded.variantIds.primary }, data: { machineTypeId: machine.id } });
    for (const l of lifetimes) {
      const row = await db.replica.create({ data: { variantId: seeded.variantIds.primary, state: l.state, createdAt: new Date(l.from) } });
      // updatedAt is when an ended replica was last written, i.e. when it stopped: set it as the controller did then.
      await db.$executeRaw`UPDATE "Replica" SET "updatedAt" = ${new Date(l.to ?? l.from)} WHERE id = ${row.id}::uuid`;
    }
    return seeded;
  }

  it('charges stopped replicas for their lifetime and running ones up to now, per deployment and per team', async () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    const a = await seedLifetimes(0.4, [
      { state: 'stopped', from: now - 10 * HOUR, to: now - 7 * HOUR }, // 3 h
      { state: 'failed', from: now - 6 * HOUR, to: now - 5.5 * HOUR }, // 0.5 h
      { state: 'ready', from: now - 2 * HOUR }, // 2 h so far
      { state: 'draining', from: now - HOUR }, // 1 h so far, still held
    ]);
    const b = await seedLifetimes(3.67, [{ state: 'ready', from: now - 4 * HOUR }]);

    const report = await loadSpend(db, [a.teamId, b.teamId], now);
    const lineA = report.byDeployment.get(a.deployment.id)!;
    expect(lineA.replicaHours).toBeCloseTo(6.5, 9);
    expect(lineA.cost).toBeCloseTo(6.5 * 0.4, 9);
    expect(lineA.costPerHour).toBeCloseTo(0.8, 9);
    expect(lineA.runningReplicas).toBe(2);
    expect(report.byTeam.get(b.teamId)?.cost).toBeCloseTo(4 * 3.67, 9);
    // One team's view holds nothing of the other's.
    const onlyA = await loadSpend(db, [a.teamId], now);
    expect([...onlyA.byDeployment.keys()]).toEqual([a.deployment.id]);
    // An hour later, the running replicas have cost one more hour each.
    expect((await loadSpend(db, [a.teamId], now + HOUR)).total.cost).toBeCloseTo((6.5 + 2) * 0.4, 9);
  });

  it('keeps spend to date whole when ended replicas are pruned: their hours are settled first', async () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    const a = await seedLifetimes(0.1, [
      { state: 'stopped', from: now - 50 * HOUR, to: now - 40 * HOUR },
      { state: 'ready', from: now - HOUR },
    ]);
    const before = (await loadSpend(db, [a.teamId], now)).total;
    const variant = await db.variant.findUniqueOrThrow({ where: { id: a.variantIds.primary } });
    expect(await settleAndDeleteReplicas(db, { variantId: variant.id }, now)).toBe(1);
    expect(await db.replica.count({ where: { variantId: variant.id } })).toBe(1);
    const after = (await loadSpend(db, [a.teamId], now)).total;
    expect(after.cost).toBeCloseTo(before.cost, 9);
    expect(after.replicaHours).toBeCloseTo(11, 9);
    expect(after.costPerHour).toBeCloseTo(0.1, 9);
  });
});
