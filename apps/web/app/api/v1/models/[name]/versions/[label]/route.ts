import { requireTeamRole } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { notFound } from '@/lib/server/errors';
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
