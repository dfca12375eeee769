import { deploy, nameNotAvailable, targetSpec } from '@slipway/controller';
import { API } from '@/lib/server/api-catalogue';
import { assertComputeQuota } from '@/lib/server/compute-quota';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';
import { deploymentInclude, serializeDeployment } from '@/lib/server/serializers';

/** A new deployment with the source's model and desired state, under a new name, in the source's team. */
export const POST = route(API.cloneDeployment, async ({ user, params, body }) => {
  const { db, transitions } = serverContext();
  const source = await findDeployment(user, params.name, 'member');
  const spec = await targetSpec(transitions, source.id, source.targetRevision);
  if (!spec) throw new ApiError('conflict', `deployment '${params.name}' has no revision to copy yet`);
  // A clone is always new: taking over a stopped deployment of that name would rewrite its history.
  if (await db.deployment.findUnique({ where: { name: body.name }, select: { id: true } })) throw nameNotAvailable(body.name);
  const id = await deploy(transitions, {
    name: body.name,
    modelId: source.modelId,
    teamId: source.teamId,
    spec,
    author: user.email,
    auditDetails: { clonedFrom: params.name },
    admit: (tx) => assertComputeQuota(tx, { teamId: source.teamId, deploymentId: null, spec }),
  });
  const deployment = await db.deployment.findUniqueOrThrow({ where: { id }, include: deploymentInclude });
  return Response.json({ deployment: serializeDeployment(deployment, user) }, { status: 201 });
});
