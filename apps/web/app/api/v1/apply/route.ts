import { applyFile } from '@/lib/server/declarative';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** Makes what runs match a deployment file (`slipway apply`): the plan, then a revision per changed deployment. */
export const POST = route(API.applyDeploymentFile, async ({ user, body, query }) =>
  applyFile(user, body, { prune: query.prune ?? false, supersede: query.supersede ?? false }),
);
