import { resourceNameSchema } from '@slipway/core';
import { z } from 'zod';
import { requireTeamRole, visibleTeamIds } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { ApiError, notFound } from '@/lib/server/errors';
import { route } from '@/lib/server/route';
import { deploymentInclude, serializeDeployment } from '@/lib/server/serializers';

export const GET = route({}, async ({ user }) => {
  const teams = visibleTeamIds(user);
  const deployments = await serverContext().db.deployment.findMany({
    where: teams ? { teamId: { in: teams } } : {},
    include: deploymentInclude,
    orderBy: { createdAt: 'desc' },
  });
  return { deployments: deployments.map(serializeDeployment) };
});

const createDeployment = z
  .object({
    name: resourceNameSchema,
    modelName: z.string().min(1),
    versionLabel: z.number().int().positive().optional(),
    /** Pins the version by content (GitOps): `sha256:<hex>` or the bare hex digest. */
    versionDigest: z
      .string()
      .regex(/^(sha256:)?[a-f0-9]{64}$/, 'expected sha256:<64 hex digits>')
      .transform((d) => d.replace(/^sha256:/, ''))
      .optional(),
    machineType: z.string().min(1),
    replicas: z.number().int().min(1).max(16).default(1),
  })
  .refine((b) => (b.versionLabel === undefined) !== (b.versionDigest === undefined), {
    message: 'give exactly one of versionLabel and versionDigest',
    path: ['versionLabel'],
  });

export const POST = route({ body: createDeployment }, async ({ user, body }) => {
  const { db, producer } = serverContext();
  const model = await db.model.findUnique({ where: { name: body.modelName } });
  if (!model) throw notFound(`model '${body.modelName}'`);
  requireTeamRole(user, model.teamId, 'member', `model '${body.modelName}'`);
  const version = body.versionDigest
    ? await db.modelVersion.findUnique({ where: { modelId_digest: { modelId: model.id, digest: body.versionDigest } } })
    : await db.modelVersion.findUnique({ where: { modelId_label: { modelId: model.id, label: body.versionLabel! } } });
  if (!version) throw notFound(`version ${body.versionDigest ? `sha256:${body.versionDigest}` : `v${body.versionLabel}`} of '${body.modelName}'`);
  if (version.status !== 'ready') {
    throw new ApiError('conflict', `version v${version.label} is ${version.status}; only ready versions can be deployed`);
  }
  const machineType = await db.machineType.findUnique({ where: { name: body.machineType } });
  if (!machineType) throw new ApiError('validation_error', `machineType: unknown machine type '${body.machineType}'`);

  const existing = await db.deployment.findUnique({ where: { name: body.name } });
  if (existing && existing.status !== 'stopped' && existing.status !== 'failed') {
    throw new ApiError('conflict', `a deployment named '${body.name}' is ${existing.status}; stop it or pick another name`);
  }
  if (existing) requireTeamRole(user, existing.teamId, 'member', `deployment '${body.name}'`);

  const variant = { name: 'primary', versionId: version.id, machineTypeId: machineType.id, replicas: body.replicas, trafficWeight: 100 };
  // A stopped or failed deployment of the same name is redeployed in place: the endpoint URL stays stable.
  const deployment = await db.$transaction(async (tx) => {
    if (existing) {
      await tx.variant.deleteMany({ where: { deploymentId: existing.id } });
      return tx.deployment.update({
        where: { id: existing.id },
        data: { modelId: model.id, status: 'pending', statusReason: null, variants: { create: variant } },
        include: deploymentInclude,
      });
    }
    return tx.deployment.create({
      data: { name: body.name, modelId: model.id, teamId: model.teamId, variants: { create: variant } },
      include: deploymentInclude,
    });
  });
  try {
    await producer.enqueue('rolloutDeployment', { deploymentId: deployment.id });
  } catch (error) {
    await db.deployment.update({ where: { id: deployment.id }, data: { status: 'failed', statusReason: 'could not queue the rollout' } });
    throw error;
  }
  return Response.json({ deployment: serializeDeployment(deployment) }, { status: 201 });
});
