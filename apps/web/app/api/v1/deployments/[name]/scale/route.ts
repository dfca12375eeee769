import { targetSpec, update } from '@slipway/controller';
import { assertComputeQuota } from '@/lib/server/compute-quota';
import { serverContext } from '@/lib/server/context';
import { specForScale } from '@/lib/server/deployment-specs';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { updateResponse } from '@/lib/server/deployment-action';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { deploymentInclude } from '@/lib/server/serializers';

/**
 * Scaling for scripts and schedules outside Slipway: `{replicas}` pins a count, `{minReplicas, maxReplicas}`
 * sets the autoscaler's bounds. Each is a revision like any other change (who, when, what).
 */
export const PUT = route(API.scaleDeployment, async ({ user, params, body }) => {
  const { db, transitions } = serverContext();
  const deployment = await findDeployment(user, params.name, 'member');
  const current = await targetSpec(transitions, deployment.id, deployment.targetRevision);
  if (!current) throw new ApiError('conflict', `deployment '${params.name}' has no revision to scale; deploy it again`);
  const spec = specForScale(current, body);
  const { revision, changes } = await update(transitions, deployment, spec, {
    author: user.email,
    supersede: body.supersede,
    reason: 'scale',
    admit: (tx) => assertComputeQuota(tx, { teamId: deployment.teamId, deploymentId: deployment.id, spec }),
  });
  const updated = await db.deployment.findUniqueOrThrow({ where: { id: deployment.id }, include: deploymentInclude });
  return updateResponse(updated, user, { revision, changes });
});
