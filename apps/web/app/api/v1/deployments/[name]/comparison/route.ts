import { z } from 'zod';
import { deploymentComparison } from '@/lib/server/comparison';
import { findDeployment } from '@/lib/server/deployments';
import { route } from '@/lib/server/route';

/** Traffic, shadow agreement and significance per variant over the window (lib/server/comparison.ts). */
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
  async ({ user, params, query }) => deploymentComparison((await findDeployment(user, params.name, 'viewer')).id, query.minutes),
);
