import { requireTeamRole, visibleTeamIds } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { deploy, nameNotAvailable } from '@slipway/controller';
import { assertComputeQuota } from '@/lib/server/compute-quota';
import { specForCreate } from '@/lib/server/deployment-specs';
import { notFound } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { deploymentInclude, serializeDeployment } from '@/lib/server/serializers';

export const GET = route(API.listDeployments, async ({ user }) => {
  const teams = visibleTeamIds(user);
  const deployments = await serverContext().db.deployment.findMany({
    where: { deletedAt: null, ...(teams ? { teamId: { in: teams } } : {}) },
    include: deploymentInclude,
    orderBy: { createdAt: 'desc' },
  });
  return { deployments: deployments.map((d) => serializeDeployment(d, user)) };
});

export const POST = route(API.createDeployment, async ({ user, body }) => {
  const { db, transitions } = serverContext();
  const model = await db.model.findUnique({ where: { name: body.modelName } });
  if (!model) throw notFound(`model '${body.modelName}'`);
  requireTeamRole(user, model.teamId, 'member', `model '${body.modelName}'`);
  const existing = await db.deployment.findUnique({ where: { name: body.name } });
  // Another team's deployment of that name: the answer says the name is taken, never its status or team.
  if (existing && existing.teamId !== model.teamId) throw nameNotAvailable(body.name);
  const spec = await specForCreate(model, body);
  // A stopped or failed deployment of the same name is deployed again in place: same endpoint, history kept.
  const id = await deploy(transitions, {
    name: body.name,
    modelId: model.id,
    teamId: model.teamId,
    spec,
    author: user.email,
    admit: (tx) => assertComputeQuota(tx, { teamId: model.teamId, deploymentId: existing?.id ?? null, spec }),
  });
  const deployment = await db.deployment.findUniqueOrThrow({ where: { id }, include: deploymentInclude });
  return Response.json({ deployment: serializeDeployment(deployment, user) }, { status: 201 });
});
