import { freezeBaseline } from '@slipway/core';
import { loadDriftWindows, type Prisma } from '@slipway/db';
import { serverContext } from '@/lib/server/context';
import { findDeployment } from '@/lib/server/deployments';
import { pickVariant } from '@/lib/server/drift';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/**
 * Freezes a drift baseline from a window of the variant's traffic, for a version uploaded without reference data.
 * Replaces an earlier frozen baseline of the same version.
 */
export const POST = route(API.freezeDriftBaseline, async ({ user, params, body }) => {
  const { db } = serverContext();
  const deployment = await findDeployment(user, params.name, 'member');
  const variant = pickVariant(deployment.variants, body.variant, deployment.name);
  const version = await db.modelVersion.findUniqueOrThrow({ where: { id: variant.versionId }, select: { referenceStats: true } });
  if (version.referenceStats) {
    throw new ApiError('conflict', `version ${variant.version.label} has reference data from its upload; drift is measured against that`);
  }
  const from = new Date(body.from);
  const to = new Date(body.to);
  const features = freezeBaseline(await loadDriftWindows(db, variant.id, from, to));
  if (Object.keys(features).length === 0) {
    throw new ApiError(
      'validation_error',
      `no traffic was recorded for variant '${variant.name}' between ${body.from} and ${body.to}; pick a window with requests`,
    );
  }
  const data = { from, to, features: features as unknown as Prisma.InputJsonValue, createdBy: user.email };
  await db.driftBaseline.upsert({ where: { versionId: variant.versionId }, update: data, create: { ...data, versionId: variant.versionId } });
  return Response.json({ baseline: { source: 'traffic', from: body.from, to: body.to, features: Object.keys(features).length } }, { status: 201 });
});
