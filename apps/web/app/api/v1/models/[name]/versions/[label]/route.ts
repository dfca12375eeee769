import { requireTeamRole } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { ApiError, notFound } from '@/lib/server/errors';
import { route } from '@/lib/server/route';
import { serializeVersion, versionInclude } from '@/lib/server/serializers';

export const GET = route<{ name: string; label: string }>({}, async ({ user, params }) => {
  const { db } = serverContext();
  const label = Number(params.label.replace(/^v/, ''));
  const model = await db.model.findUnique({ where: { name: params.name } });
  if (!model) throw notFound(`model '${params.name}'`);
  requireTeamRole(user, model.teamId, 'viewer', `model '${params.name}'`);
  const version = Number.isInteger(label)
    ? await db.modelVersion.findUnique({ where: { modelId_label: { modelId: model.id, label } }, include: versionInclude })
    : null;
  if (!version) throw notFound(`version '${params.label}' of '${params.name}'`);
  return { version: serializeVersion(version) };
});

/** Deletes a version no live deployment uses; its blob goes too unless another version shares the bytes. */
export const DELETE = route<{ name: string; label: string }>({}, async ({ user, params }) => {
  const { db, store } = serverContext();
  const label = Number(params.label.replace(/^v/, ''));
  const model = await db.model.findUnique({ where: { name: params.name } });
  if (!model) throw notFound(`model '${params.name}'`);
  requireTeamRole(user, model.teamId, 'member', `model '${params.name}'`);
  const version = Number.isInteger(label) ? await db.modelVersion.findUnique({ where: { modelId_label: { modelId: model.id, label } } }) : null;
  if (!version) throw notFound(`version '${params.label}' of '${params.name}'`);
  const users = await db.variant.findMany({ where: { versionId: version.id }, include: { deployment: { select: { id: true, name: true, status: true } } } });
  const live = users.filter((v) => v.deployment.status !== 'stopped' && v.deployment.status !== 'failed');
  if (live.length > 0) {
    const names = [...new Set(live.map((v) => v.deployment.name))].join(', ');
    throw new ApiError('conflict', `v${version.label} is deployed by ${names}; stop the deployment before deleting the version`);
  }
  await db.$transaction([
    db.variant.deleteMany({ where: { versionId: version.id } }),
    db.modelVersion.delete({ where: { id: version.id } }),
  ]);
  // Blobs are shared by content: keep it while another version (of any model) has the same digest.
  if ((await db.modelVersion.count({ where: { digest: version.digest } })) === 0) await store.delete(version.digest);
  return new Response(null, { status: 204 });
});
