import { recordAudit } from '@slipway/db';
import { serverContext } from '@/lib/server/context';
import { ApiError, notFound } from '@/lib/server/errors';
import { assertGpuSpecConsistent } from '@/lib/server/machine-types';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { machineTypeSelect, serializeMachineType } from '@/lib/server/serializers';

async function findMachineType(name: string) {
  const machineType = await serverContext().db.machineType.findUnique({ where: { name }, select: machineTypeSelect });
  if (!machineType) throw notFound(`machine type '${name}'`);
  return machineType;
}

/** Changes apply to new rollouts; running replicas keep the spec they started with. */
export const PATCH = route(API.updateMachineType, async ({ user, params, body }) => {
  const current = await findMachineType(params.name);
  assertGpuSpecConsistent({ ...current, ...body });
  const machineType = await serverContext().db.$transaction(async (tx) => {
    const updated = await tx.machineType.update({ where: { id: current.id }, data: body, select: machineTypeSelect });
    await recordAudit(tx, { actor: user.email, action: 'machine_type.update', targetKind: 'machine_type', targetName: current.name, details: body });
    return updated;
  });
  return { machineType: serializeMachineType(machineType) };
});

/** Variants keep their machine type even once stopped, so any reference blocks the delete. */
export const DELETE = route(API.deleteMachineType, async ({ user, params }) => {
  const { db } = serverContext();
  const machineType = await findMachineType(params.name);
  const usedBy = await db.deployment.findMany({
    where: { variants: { some: { machineTypeId: machineType.id } } },
    select: { name: true, deletedName: true, status: true },
    orderBy: { name: 'asc' },
  });
  if (usedBy.length > 0) {
    const list = usedBy.map((d) => `${d.deletedName ?? d.name} (${d.deletedName ? 'deleted' : d.status})`).join(', ');
    const [noun, pronoun] = usedBy.length === 1 ? ['deployment', 'it'] : ['deployments', 'them'];
    throw new ApiError('conflict', `machine type '${params.name}' is used by ${noun} ${list}; redeploy ${pronoun} on another machine type first`);
  }
  await db.$transaction(async (tx) => {
    await tx.machineType.delete({ where: { id: machineType.id } });
    await recordAudit(tx, { actor: user.email, action: 'machine_type.delete', targetKind: 'machine_type', targetName: machineType.name });
  });
  return new Response(null, { status: 204 });
});
