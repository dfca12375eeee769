import {
  addUsage,
  checkComputeQuota,
  computeQuotaOf,
  deploymentSpecSchema,
  NO_USAGE,
  worstCaseUsage,
  type ComputeQuota,
  type MachineSize,
  type SizedSpec,
} from '@slipway/core';
import type { Db, DeploymentStatus, Prisma } from '@slipway/db';
import { ApiError } from './errors';

const isUnlimited = (q: ComputeQuota) => q.vcpu === null && q.memoryMb === null && q.replicas === null && Object.keys(q.gpus).length === 0;

/** The database, or the transaction a revision is being written in. */
type Reader = Db | Prisma.TransactionClient;

export const machineCatalog = (db: Reader): Promise<MachineSize[]> =>
  db.machineType.findMany({ select: { name: true, vcpu: true, memoryMb: true, gpuType: true, gpuCount: true } });

/** Stopped and failed deployments hold no compute; every other one may reach its worst case. */
const RELEASED: DeploymentStatus[] = ['stopped', 'failed'];

/** The worst case of each deployment holding compute (in the given teams; null: all), from its target revision. */
export async function worstCaseByDeployment(db: Reader, machineTypes: readonly MachineSize[], teamIds: string[] | null) {
  const deployments = await db.deployment.findMany({
    where: { status: { notIn: RELEASED }, targetRevision: { gt: 0 }, ...(teamIds && { teamId: { in: teamIds } }) },
    select: { id: true, name: true, teamId: true, status: true, targetRevision: true },
    orderBy: { name: 'asc' },
  });
  if (deployments.length === 0) return [];
  const revisions = await db.deploymentRevision.findMany({
    where: { OR: deployments.map((d) => ({ deploymentId: d.id, number: d.targetRevision })) },
    select: { deploymentId: true, spec: true },
  });
  const specs = new Map(revisions.map((r) => [r.deploymentId, deploymentSpecSchema.parse(r.spec)]));
  return deployments.map(({ targetRevision: _, ...d }) => ({ ...d, usage: worstCaseUsage(specs.get(d.id) ?? { variants: [] }, machineTypes) }));
}

/**
 * Refuses a spec whose worst case does not fit in the team's compute quota beside its other
 * deployments. `deploymentId` is the deployment the spec is for (null for a new one): its current
 * target is what the spec replaces, not something else the team runs.
 */
export async function assertComputeQuota(db: Reader, request: { teamId: string; deploymentId: string | null; spec: SizedSpec }): Promise<void> {
  const team = await db.team.findUniqueOrThrow({ where: { id: request.teamId } });
  const quota = computeQuotaOf(team);
  if (isUnlimited(quota)) return;
  const machineTypes = await machineCatalog(db);
  const deployments = await worstCaseByDeployment(db, machineTypes, [team.id]);
  const others = deployments.filter((d) => d.id !== request.deploymentId).reduce((sum, d) => addUsage(sum, d.usage), NO_USAGE);
  const replacing = deployments.find((d) => d.id === request.deploymentId)?.usage;
  const verdict = checkComputeQuota({ ...quota, teamName: team.name }, others, { spec: request.spec, machineTypes, replacing });
  if (!verdict.ok) throw new ApiError('compute_quota_exceeded', verdict.message);
}
