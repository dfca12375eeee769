import { serverContext } from '@/lib/server/context';
import { route } from '@/lib/server/route';
import { machineTypeSelect, serializeMachineType } from '@/lib/server/serializers';

export const GET = route({}, async () => {
  const machineTypes = await serverContext().db.machineType.findMany({
    select: machineTypeSelect,
    orderBy: [{ gpuCount: 'asc' }, { hourlyCost: 'asc' }],
  });
  return { machineTypes: machineTypes.map(serializeMachineType) };
});
