import { remove, targetSpec, update } from '@slipway/controller';
import { assertComputeQuota } from '@/lib/server/compute-quota';
import { serverContext } from '@/lib/server/context';
import { specForUpdate } from '@/lib/server/deployment-specs';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { updateResponse } from '@/lib/server/deployment-action';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { deploymentInclude, serializeDeployment } from '@/lib/server/serializers';

export const GET = route(API.getDeployment, async ({ user, params }) => ({
  deployment: serializeDeployment(await findDeployment(user, params.name, 'viewer'), user),
}));

/** A change of desired state: a new revision that the controller rolls out with the given strategy. */
export const PATCH = route(API.updateDeployment, async ({ user, params, body }) => {
  const { db, transitions } = serverContext();
  const deployment = await findDeployment(user, params.name, 'member');
  const current = await targetSpec(transitions, deployment.id, deployment.targetRevision);
  if (!current) throw new ApiError('conflict', `deployment '${params.name}' has no revision to update; deploy it again`);
  const model = await db.model.findUniqueOrThrow({ where: { id: deployment.modelId } });
  const spec = await specForUpdate(model, current, body);
  const { revision, changes } = await update(transitions, deployment, spec, {
    author: user.email,
    supersede: body.supersede,
    admit: (tx) => assertComputeQuota(tx, { teamId: deployment.teamId, deploymentId: deployment.id, spec }),
  });
  const updated = await db.deployment.findUniqueOrThrow({ where: { id: deployment.id }, include: deploymentInclude });
  return updateResponse(updated, user, { revision, changes });
});

/** Deletes the deployment: the name is free at once, the controller stops its replicas; history, spend and audit stay. */
export const DELETE = route(API.deleteDeployment, async ({ user, params }) => {
  const { transitions } = serverContext();
  const deployment = await findDeployment(user, params.name, 'member');
  await remove(transitions, deployment, user.email);
  return Response.json({ deleted: params.name }, { status: 202 });
});
