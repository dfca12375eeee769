import { recordAudit } from '@slipway/db';
import { driverCapacitySchema, machinePlacement, type DriverCapacity } from '@slipway/core';
import { channels } from '@slipway/queue';
import { serverContext } from '@/lib/server/context';
import { webEnv } from '@/lib/server/env';
import { ApiError } from '@/lib/server/errors';
import { assertGpuSpecConsistent } from '@/lib/server/machine-types';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { machineTypeSelect, serializeMachineType } from '@/lib/server/serializers';

/** What the worker said its driver can place; null before any worker has started. */
async function driverCapacity(): Promise<DriverCapacity | null> {
  const text = await serverContext().redis.get(channels(webEnv().SLIPWAY_PREFIX).driverCapacity);
  const parsed = text ? driverCapacitySchema.safeParse(JSON.parse(text)) : null;
  return parsed?.success ? parsed.data : null;
}

/** Each machine type says whether this platform's driver can place it (a GPU type on a host without GPUs cannot). */
export const GET = route(API.listMachineTypes, async () => {
  const [machineTypes, capacity] = await Promise.all([
    serverContext().db.machineType.findMany({ select: machineTypeSelect, orderBy: [{ gpuCount: 'asc' }, { hourlyCost: 'asc' }] }),
    driverCapacity(),
  ]);
  return { machineTypes: machineTypes.map((m) => ({ ...serializeMachineType(m), placement: machinePlacement(capacity, m) })) };
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
