import { hasTeamRole, requireTeamRole, visibleTeamIds } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { modelInclude, serializeModel, serializeModelSummary } from '@/lib/server/serializers';

export const GET = route(API.listModels, async ({ user }) => {
  const teams = visibleTeamIds(user);
  const models = await serverContext().db.model.findMany({
    where: teams ? { teamId: { in: teams } } : {},
    include: modelInclude,
    orderBy: { createdAt: 'desc' },
  });
  return { models: models.map(serializeModelSummary) };
});

export const POST = route(API.createModel, async ({ user, body }) => {
  const { db } = serverContext();
  // Without a team, the model goes to the user's first team where they may create things.
  const teamId = body.teamId ?? [...user.roles].find(([, role]) => role !== 'viewer')?.[0];
  if (!teamId) throw new ApiError('forbidden', 'you are not a member of any team that can create models');
  requireTeamRole(user, teamId, 'member', 'team');
  const taken = await db.model.findUnique({ where: { name: body.name } });
  if (taken) {
    // Names are global: a model the caller cannot see is only "not available", never whose it is.
    throw new ApiError(
      'conflict',
      hasTeamRole(user, taken.teamId, 'viewer') ? `a model named '${body.name}' already exists` : `the name '${body.name}' is not available; choose another`,
    );
  }
  const model = await db.model.create({
    data: { name: body.name, description: body.description, teamId },
    include: modelInclude,
  });
  return Response.json({ model: serializeModel(model) }, { status: 201 });
});
