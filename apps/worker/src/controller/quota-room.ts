import { addUsage, computeQuotaOf, NO_USAGE, replicasThatFit, type ComputeUsage } from '@slipway/core';
import type { Db } from '@slipway/db';

/**
 * The most replicas one variant may run under its team's compute quota, beside what the team's other
 * variants run right now. Deploys are charged their worst case up front, so this binds only when an
 * admin lowered a quota below what was granted: the autoscaler then stops there and says so.
 */
export async function replicaRoom(db: Db, variantId: string): Promise<number> {
  const variant = await db.variant.findUnique({ where: { id: variantId }, include: { machineType: true, deployment: { include: { team: true } } } });
  if (!variant) return 0;
  const quota = computeQuotaOf(variant.deployment.team);
  if (quota.vcpu === null && quota.memoryMb === null && quota.replicas === null && Object.keys(quota.gpus).length === 0) return Infinity;
  const others = await db.variant.findMany({
    where: { id: { not: variantId }, retiredAt: null, deployment: { teamId: variant.deployment.teamId, status: { notIn: ['stopped', 'failed'] } } },
    include: { machineType: true },
  });
  const used = others.reduce<ComputeUsage>(
    (sum, v) =>
      addUsage(sum, {
        vcpu: v.replicas * v.machineType.vcpu,
        memoryMb: v.replicas * v.machineType.memoryMb,
        replicas: v.replicas,
        gpus: v.machineType.gpuType ? { [v.machineType.gpuType]: v.replicas * v.machineType.gpuCount } : {},
      }),
    NO_USAGE,
  );
  return replicasThatFit(quota, used, variant.machineType);
}
