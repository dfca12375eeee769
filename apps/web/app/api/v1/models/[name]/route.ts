import { requireTeamRole } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { notFound } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { modelInclude, serializeModel } from '@/lib/server/serializers';

export const GET = route(API.getModel, async ({ user, params }) => {
  const model = await serverContext().db.model.findUnique({ where: { name: params.name }, include: modelInclude });
  if (!model) throw notFound(`model '${params.name}'`);
  requireTeamRole(user, model.teamId, 'viewer', `model '${params.name}'`);
  return { model: serializeModel(model) };
});
