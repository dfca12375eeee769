import { serverContext } from '@/lib/server/context';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { serializeVersion } from '@/lib/server/serializers';
import { findVersion } from '@/lib/server/versions';

export const GET = route(API.getVersion, async ({ user, params }) => ({
  version: serializeVersion(await findVersion(user, params, 'viewer')),
}));

/** Deletes a version no live deployment uses; its blob goes too unless another version shares the bytes. */
export const DELETE = route(API.deleteVersion, async ({ user, params }) => {
  const { db, store } = serverContext();
  const version = await findVersion(user, params, 'member');
  const users = await db.variant.findMany({ where: { versionId: version.id }, include: { deployment: { select: { id: true, name: true, status: true } } } });
  // Retired replica sets are history: a rollback to a revision that used this version will say it is gone.
  const live = users.filter((v) => v.retiredAt === null && v.deployment.status !== 'stopped' && v.deployment.status !== 'failed');
  if (live.length > 0) {
    const names = [...new Set(live.map((v) => v.deployment.name))].join(', ');
    throw new ApiError('conflict', `v${version.label} is deployed by ${names}; stop the deployment before deleting the version`);
  }
  await db.$transaction([db.variant.deleteMany({ where: { versionId: version.id } }), db.modelVersion.delete({ where: { id: version.id } })]);
  // Blobs are shared by content: keep it while another version (of any model) has the same digest.
  if ((await db.modelVersion.count({ where: { digest: version.digest } })) === 0) await store.delete(version.digest);
  return new Response(null, { status: 204 });
});
