import { recordAudit } from '@slipway/db';
import { serverContext } from '@/lib/server/context';
import { ApiError } from '@/lib/server/errors';
import { assertGpuSpecConsistent } from '@/lib/server/machine-types';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { machineTypeSelect, serializeMachineType } from '@/lib/server/serializers';

export const GET = route(API.listMachineTypes, async () => {
  const machineTypes = await serverContext().db.machineType.findMany({
    select: machineTypeSelect,
    orderBy: [{ gpuCount: 'asc' }, { hourlyCost: 'asc' }],
  });
  return { machineTypes: machineTypes.map(serializeMachineType) };
});

export const POST = route(API.createMachineType, async ({ user, body }) => {
  assertGpuSpecConsistent(body);
  const { db } = serverContext();
  if (await db.machineType.findUnique({ where: { name: body.name } })) {
    throw new ApiError('conflict', `machine type '${body.name}' already exists`);
  }
  const machineType = await db.$transaction(async (tx) => {
    const created = await tx.machineType.create({ data: body, select: machineTypeSelect });
    await recordAudit(tx, {
      actor: user.email,
      action: 'machine_type.create',
      targetKind: 'machine_type',
      targetName: body.name,
      details: { hourlyCost: body.hourlyCost },
    });
    return created;
  });
  return Response.json({ machineType: serializeMachineType(machineType) }, { status: 201 });
});
