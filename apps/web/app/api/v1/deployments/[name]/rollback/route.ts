import { rollback } from '@slipway/controller';
import { assertComputeQuota } from '@/lib/server/compute-quota';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { updateResponse } from '@/lib/server/deployment-action';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { deploymentInclude } from '@/lib/server/serializers';

/** Restores an earlier revision's spec as a new revision (rolled out blue-green). */
export const POST = route(API.rollbackDeployment, async ({ user, params, body }) => {
  const { db, transitions } = serverContext();
  const deployment = await findDeployment(user, params.name, 'member');
  const { revision, changes } = await rollback(transitions, deployment, body.revision, {
    author: user.email,
    supersede: body.supersede,
    admit: (tx, spec) => assertComputeQuota(tx, { teamId: deployment.teamId, deploymentId: deployment.id, spec }),
  });
  const updated = await db.deployment.findUniqueOrThrow({ where: { id: deployment.id }, include: deploymentInclude });
  return updateResponse(updated, user, { revision, changes });
});
