import { z } from 'zod';
import { findDeployment } from '@/lib/server/deployments';
import { deploymentDrift } from '@/lib/server/drift';
import { route } from '@/lib/server/route';

const querySchema = z.object({
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 60)
    .default(60),
  variant: z.string().min(1).max(100).optional(),
});

/** Data drift of one variant over the window (lib/server/drift.ts). */
export const GET = route<{ name: string }, undefined, typeof querySchema>({ query: querySchema }, async ({ user, params, query }) =>
  deploymentDrift(await findDeployment(user, params.name, 'viewer'), query),
);
