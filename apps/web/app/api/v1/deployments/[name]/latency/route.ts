import { z } from 'zod';
import { findDeployment } from '@/lib/server/deployments';
import { deploymentLatency } from '@/lib/server/latency';
import { route } from '@/lib/server/route';

/** Latency percentiles over the window in about 60 slots (lib/server/latency.ts). */
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
  async ({ user, params, query }) => deploymentLatency((await findDeployment(user, params.name, 'viewer')).id, query.minutes),
);
