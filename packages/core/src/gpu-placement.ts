import { z } from 'zod';

/**
 * What the platform's replica driver can place, as the worker that runs it publishes it: the local driver's GPUs
 * (SLIPWAY_HOST_GPUS), or whether the Kubernetes driver has a GPU runtime image and scheduling for each GPU model.
 */
export const driverCapacitySchema = z.discriminatedUnion('driver', [
  z.object({ driver: z.literal('local'), hostGpus: z.number().int().min(0) }),
  z.object({ driver: z.literal('kubernetes'), gpuImage: z.boolean(), gpuTypes: z.array(z.string()).nullable() }),
]);
export type DriverCapacity = z.infer<typeof driverCapacitySchema>;

/** Whether a machine type can be placed here, and if not, why, in words for the deploy form. */
export interface MachinePlacement {
  available: boolean;
  reason: string | null;
}

const AVAILABLE: MachinePlacement = { available: true, reason: null };

/** A machine type's placement under a driver's capacity; unknown capacity (no worker has said yet) claims nothing. */
export function machinePlacement(capacity: DriverCapacity | null, machine: { gpuType: string | null; gpuCount: number }): MachinePlacement {
  if (!capacity || machine.gpuCount === 0) return AVAILABLE;
  if (capacity.driver === 'local') {
    if (machine.gpuCount <= capacity.hostGpus) return AVAILABLE;
    const offered = capacity.hostGpus === 0 ? 'this host has no GPU for replicas' : `this host offers ${capacity.hostGpus} GPU(s) to replicas`;
    return { available: false, reason: `Needs ${machine.gpuCount} GPU(s); ${offered}.` };
  }
  if (!capacity.gpuImage) return { available: false, reason: 'The cluster has no GPU runtime image configured, so GPU replicas cannot start.' };
  if (capacity.gpuTypes && machine.gpuType && !capacity.gpuTypes.includes(machine.gpuType)) {
    return { available: false, reason: `The cluster has no scheduling rule for ${machine.gpuType} GPUs.` };
  }
  return AVAILABLE;
}
