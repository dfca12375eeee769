import { z } from 'zod';
import { findDeployment } from '@/lib/server/deployments';
import { route } from '@/lib/server/route';
import { deploymentScaling } from '@/lib/server/scaling';

/** Replicas over time next to the load, per variant, with the autoscaler's bounds (lib/server/scaling.ts). */
export const GET = route<{ name: string }, undefined, z.ZodType<{ minutes: number }>>(
  {
    query: z.object({
      minutes: z.coerce
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .default(60),
    }),
  },
  async ({ user, params, query }) => deploymentScaling(await findDeployment(user, params.name, 'viewer'), query.minutes),
);
