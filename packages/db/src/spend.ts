import { type EndedTotal, type ReplicaLifetime, type SettledAmount, type SpendReport, spendToDate } from '@slipway/core';
import type { Db } from './client';
import { Prisma } from './generated/client';

type Reader = Db | Prisma.TransactionClient;

const ENDED = new Set(['stopped', 'failed']);

/**
 * A replica's lifetime from its row: created at `createdAt`; a stopped or failed replica is not written
 * again, so its `updatedAt` is when it ended.
 */
function lifetimeOf(r: {
  createdAt: Date;
  updatedAt: Date;
  state: string;
  variant: { deploymentId: string; deployment: { teamId: string }; machineType: { hourlyCost: Prisma.Decimal } };
}): ReplicaLifetime {
  return {
    deploymentId: r.variant.deploymentId,
    teamId: r.variant.deployment.teamId,
    startedAt: r.createdAt.getTime(),
    endedAt: ENDED.has(r.state) ? r.updatedAt.getTime() : null,
    hourlyCost: Number(r.variant.machineType.hourlyCost),
  };
}

const lifetimeSelect = {
  createdAt: true,
  updatedAt: true,
  state: true,
  variant: { select: { deploymentId: true, deployment: { select: { teamId: true } }, machineType: { select: { hourlyCost: true } } } },
} satisfies Prisma.ReplicaSelect;

/** Replica lifetimes of the given teams' deployments (deleted ones included: their spend happened); null: every team. */
export async function loadReplicaLifetimes(db: Reader, teamIds: readonly string[] | null, where: Prisma.ReplicaWhereInput = {}): Promise<ReplicaLifetime[]> {
  const rows = await db.replica.findMany({
    where: { ...where, ...(teamIds ? { variant: { deployment: { teamId: { in: [...teamIds] } } } } : {}) },
    select: lifetimeSelect,
  });
  return rows.map(lifetimeOf);
}

/**
 * Ended replicas' running time summed by Postgres per deployment and machine price (a month of autoscaling churn is
 * tens of thousands of rows); the same clamp as `replicaHours`: never negative, never past `now`.
 */
async function endedTotals(db: Reader, teamIds: readonly string[] | null, now: number): Promise<EndedTotal[]> {
  const at = new Date(now);
  const inTeams = teamIds ? Prisma.sql`AND d."teamId" = ANY(${[...teamIds]}::uuid[])` : Prisma.empty;
  return db.$queryRaw<EndedTotal[]>`
    SELECT v."deploymentId", d."teamId", m."hourlyCost"::float8 AS "hourlyCost",
           SUM(GREATEST(0, EXTRACT(EPOCH FROM (LEAST(r."updatedAt", ${at}) - r."createdAt"))))::float8 AS "replicaSeconds"
    FROM "Replica" r
    JOIN "Variant" v ON v.id = r."variantId"
    JOIN "Deployment" d ON d.id = v."deploymentId"
    JOIN "MachineType" m ON m.id = v."machineTypeId"
    WHERE r.state IN ('stopped', 'failed') ${inTeams}
    GROUP BY v."deploymentId", d."teamId", m."hourlyCost"`;
}

/** Spend to date of the given teams (null: every team) as of `now`, from replica lifetimes and settled amounts. */
export async function loadSpend(db: Reader, teamIds: readonly string[] | null, now: number): Promise<SpendReport> {
  const [running, ended, settledRows] = await Promise.all([
    loadReplicaLifetimes(db, teamIds, { state: { notIn: [...ENDED] as ('stopped' | 'failed')[] } }),
    endedTotals(db, teamIds, now),
    db.settledSpend.findMany({
      where: teamIds ? { deployment: { teamId: { in: [...teamIds] } } } : {},
      include: { deployment: { select: { teamId: true } } },
    }),
  ]);
  const settled: SettledAmount[] = settledRows.map((s) => ({
    deploymentId: s.deploymentId,
    teamId: s.deployment.teamId,
    replicaSeconds: s.replicaSeconds,
    cost: s.cost,
  }));
  return spendToDate(running, settled, now, ended);
}

/**
 * Folds ended replicas into each deployment's settled spend, then deletes them, in one transaction: history
 * retention prunes replica rows without losing a cent of spend to date. Returns how many replicas went.
 */
export async function settleAndDeleteReplicas(db: Db, where: Prisma.ReplicaWhereInput, now: number): Promise<number> {
  return db.$transaction(async (tx) => {
    const rows = await tx.replica.findMany({ where: { ...where, state: { in: ['stopped', 'failed'] } }, select: { id: true, ...lifetimeSelect } });
    if (rows.length === 0) return 0;
    const report = spendToDate(rows.map(lifetimeOf), [], now);
    for (const [deploymentId, line] of report.byDeployment) {
      const replicaSeconds = line.replicaHours * 3600;
      await tx.settledSpend.upsert({
        where: { deploymentId },
        create: { deploymentId, replicaSeconds, cost: line.cost },
        update: { replicaSeconds: { increment: replicaSeconds }, cost: { increment: line.cost } },
      });
    }
    const { count } = await tx.replica.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
    return count;
  });
}
