import { deploymentFileSchema } from '@slipway/core';
import { z } from 'zod';
import { planFile } from '@/lib/server/declarative';
import { route } from '@/lib/server/route';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** What applying a deployment file would change (`slipway diff`): field by field, with cost and quota. Writes nothing. */
export const POST = route({ body: deploymentFileSchema, query: z.object({ prune: flag.optional() }) }, async ({ user, body, query }) =>
  planFile(user, body, { prune: query.prune ?? false }),
);
