import { deploymentFileSchema } from '@slipway/core';
import { z } from 'zod';
import { applyFile } from '@/lib/server/declarative';
import { route } from '@/lib/server/route';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Makes what runs match a deployment file (`slipway apply`): the plan, then a revision per changed deployment. */
export const POST = route(
  { body: deploymentFileSchema, query: z.object({ prune: flag.optional(), supersede: flag.optional() }) },
  async ({ user, body, query }) => applyFile(user, body, { prune: query.prune ?? false, supersede: query.supersede ?? false }),
);
