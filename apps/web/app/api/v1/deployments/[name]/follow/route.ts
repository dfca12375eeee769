import { API } from '@/lib/server/api-catalogue';
import { findDeployment } from '@/lib/server/deployments';
import { followAlias } from '@/lib/server/model-aliases';
import { route } from '@/lib/server/route';

/** Follows an alias of the deployment's model (or none); a rollout starts when the alias points elsewhere. */
export const PUT = route(API.followModelAlias, async ({ user, params, body }) => {
  const deployment = await findDeployment(user, params.name, 'member');
  const result = await followAlias(user, deployment, body.alias);
  return Response.json(result, { status: result.rollout && result.rollout.changes.length > 0 ? 202 : 200 });
});
