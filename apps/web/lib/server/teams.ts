import { addUsage, computeQuotaOf, NO_USAGE, type ComputeUsage } from '@slipway/core';
import { Prisma, type Db, type Team, type TeamRole } from '@slipway/db';
import { z } from 'zod';
import { machineCatalog, worstCaseByDeployment } from './compute-quota';

/** Bytes of artifacts a team may store; null lifts the limit. */
export const storageQuotaSchema = z.number().int().nonnegative().nullable();

export const toQuota = (bytes: number | null | undefined) => (bytes === undefined || bytes === null ? null : BigInt(bytes));

// Compute quotas are Int columns: past 2^31 - 1 Postgres would refuse with a 500.
const computeLimit = z.number().int().positive().max(2_147_483_647);

const quotaFields = {
  storageQuotaBytes: storageQuotaSchema,
  vcpuQuota: computeLimit.nullable(),
  memoryQuotaMb: computeLimit.nullable(),
  replicaQuota: computeLimit.nullable(),
  /** GPUs by type; a type left out is not limited. */
  gpuQuota: z
    .record(z.string().trim().min(1).max(63), computeLimit, {
      error: (issue) => (issue.code === 'invalid_key' ? 'GPU types (the keys) must be 1 to 63 characters, e.g. nvidia-t4' : undefined),
    })
    .nullable(),
};

/** Any subset of a team's quotas; null lifts a limit. */
export const teamQuotaChangesSchema = z
  .strictObject(quotaFields, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `only ${Object.keys(quotaFields).join(', ')} can be set` : undefined),
  })
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, {
    message: `give at least one of ${Object.keys(quotaFields).join(', ')}`,
    when: (payload) => payload.issues.length === 0,
  });
export type TeamQuotaChanges = z.infer<typeof teamQuotaChangesSchema>;

export function quotaUpdate({ storageQuotaBytes, gpuQuota, ...computeLimits }: TeamQuotaChanges): Prisma.TeamUpdateInput {
  return {
    ...computeLimits,
    ...(storageQuotaBytes !== undefined && { storageQuotaBytes: toQuota(storageQuotaBytes) }),
    ...(gpuQuota !== undefined && { gpuQuota: gpuQuota ?? Prisma.DbNull }),
  };
}

export interface TeamUsage {
  storageBytes: number;
  compute: ComputeUsage;
  /** The worst case of each deployment that holds compute. */
  deployments: { name: string; status: string; usage: ComputeUsage }[];
}

const NOTHING_USED: TeamUsage = { storageBytes: 0, compute: NO_USAGE, deployments: [] };

/** Stored artifact bytes and worst-case compute of the given teams (null: all), by team id. */
export async function usageByTeam(db: Db, teamIds: string[] | null): Promise<Map<string, TeamUsage>> {
  const inTeams = teamIds ? { teamId: { in: teamIds } } : {};
  const [stored, models, machineTypes] = await Promise.all([
    db.modelVersion.groupBy({ by: ['modelId'], where: teamIds ? { model: inTeams } : {}, _sum: { sizeBytes: true } }),
    db.model.findMany({ where: inTeams, select: { id: true, teamId: true } }),
    machineCatalog(db),
  ]);
  const usage = new Map<string, TeamUsage>();
  const of = (teamId: string) => {
    let team = usage.get(teamId);
    if (!team) usage.set(teamId, (team = { storageBytes: 0, compute: NO_USAGE, deployments: [] }));
    return team;
  };
  const teamOf = new Map(models.map((m) => [m.id, m.teamId]));
  for (const s of stored) of(teamOf.get(s.modelId)!).storageBytes += Number(s._sum.sizeBytes ?? 0n);
  for (const { teamId, name, status, usage: worstCase } of await worstCaseByDeployment(db, machineTypes, teamIds)) {
    const team = of(teamId);
    team.compute = addUsage(team.compute, worstCase);
    team.deployments.push({ name, status, usage: worstCase });
  }
  return usage;
}

type TeamQuotas = Pick<Team, 'id' | 'name' | 'storageQuotaBytes' | 'vcpuQuota' | 'memoryQuotaMb' | 'replicaQuota' | 'gpuQuota'>;

/** A team's quotas beside what it uses: `compute.used` counts every deployment at its worst case. */
export function serializeTeam(team: TeamQuotas, used: TeamUsage = NOTHING_USED) {
  return {
    id: team.id,
    name: team.name,
    storageQuotaBytes: team.storageQuotaBytes === null ? null : Number(team.storageQuotaBytes),
    storageUsedBytes: used.storageBytes,
    compute: { quota: computeQuotaOf(team), used: used.compute },
  };
}

type TeamWithMembers = TeamQuotas & { memberships: { role: TeamRole; user: { id: string; email: string; name: string } }[] };

/** A team as admins list it (GET /teams): quotas and usage, and who is in it with which role. */
export function serializeTeamWithMembers(team: TeamWithMembers, used?: TeamUsage) {
  return { ...serializeTeam(team, used), members: team.memberships.map((m) => ({ user: m.user, role: m.role })) };
}
