import { resourceNameSchema } from '@slipway/core';
import { z } from 'zod';
import { fieldError } from './errors';

// Upper bounds keep values inside their columns (Int, Decimal(10, 4)): past them Postgres would refuse with a 500.
const specFields = {
  vcpu: z.number().int().min(1).max(256),
  memoryMb: z
    .number()
    .int()
    .min(256)
    .max(4 * 1024 * 1024),
  gpuType: z.string().trim().min(1, 'give a GPU model, or null for none').max(63).nullable(),
  gpuCount: z.number().int().min(0).max(16),
  hourlyCost: z.number().min(0).max(999_999),
};

export const newMachineTypeSchema = z.object({
  name: resourceNameSchema,
  ...specFields,
  gpuType: specFields.gpuType.default(null),
  gpuCount: specFields.gpuCount.default(0),
});

/** Any subset of the spec; the name is the machine type's identity in URLs and deployments, so it stays. */
export const machineTypeChangesSchema = z
  .strictObject(specFields, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `only ${Object.keys(specFields).join(', ')} can be changed` : undefined),
  })
  .partial()
  .refine((changes) => Object.keys(changes).length > 0, {
    message: 'give at least one field to change',
    when: (payload) => payload.issues.length === 0,
  });

/** GPUs come as a model and a count together: one without the other cannot be scheduled. */
export function assertGpuSpecConsistent({ gpuType, gpuCount }: { gpuType: string | null; gpuCount: number }): void {
  if (gpuCount > 0 && gpuType === null) throw fieldError('gpuType', 'Name the GPU model, e.g. nvidia-l4, or set the GPU count to 0.');
  if (gpuCount === 0 && gpuType !== null) {
    throw fieldError('gpuCount', 'A machine with a GPU model needs at least 1 GPU; clear the GPU model for a machine without GPUs.');
  }
}
