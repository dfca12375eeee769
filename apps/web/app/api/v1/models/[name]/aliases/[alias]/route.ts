import { aliasNameSchema } from '@slipway/core';
import { API } from '@/lib/server/api-catalogue';
import { requireTeamRole } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { ApiError, formatZodError, notFound } from '@/lib/server/errors';
import { deleteAlias, moveAlias } from '@/lib/server/model-aliases';
import { route } from '@/lib/server/route';

async function modelAndAlias(user: Parameters<typeof requireTeamRole>[0], name: string, alias: string) {
  const model = await serverContext().db.model.findUnique({ where: { name } });
  if (!model) throw notFound(`model '${name}'`);
  requireTeamRole(user, model.teamId, 'member', `model '${name}'`);
  const parsed = aliasNameSchema.safeParse(alias);
  if (!parsed.success) throw new ApiError('validation_error', `alias: ${formatZodError(parsed.error)}`);
  return { model, alias: parsed.data };
}

/** Points the alias at a version; followers roll out (202), or nothing follows it (200). */
export const PUT = route(API.moveModelAlias, async ({ user, params, body }) => {
  const { model, alias } = await modelAndAlias(user, params.name, params.alias);
  const result = await moveAlias(user, model, alias, body.versionLabel);
  return Response.json(result, { status: result.rollouts.some((r) => r.changes.length > 0) ? 202 : 200 });
});

export const DELETE = route(API.deleteModelAlias, async ({ user, params }) => {
  const { model, alias } = await modelAndAlias(user, params.name, params.alias);
  await deleteAlias(user, model, alias);
  return new Response(null, { status: 204 });
});
