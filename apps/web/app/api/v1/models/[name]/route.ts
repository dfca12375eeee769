import { recordAudit } from '@slipway/db';
import { requireTeamRole } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { notFound } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { versionsInUse } from '@/lib/server/model-usage';
import { route } from '@/lib/server/route';
import { modelInclude, serializeModel } from '@/lib/server/serializers';

export const GET = route(API.getModel, async ({ user, params }) => {
  const { db } = serverContext();
  const model = await db.model.findUnique({ where: { name: params.name }, include: modelInclude });
  if (!model) throw notFound(`model '${params.name}'`);
  requireTeamRole(user, model.teamId, 'viewer', `model '${params.name}'`);
  return { model: serializeModel(model, await versionsInUse(db, model.id)) };
});

/** The model card (markdown, rendered without HTML by the console) and tags. */
export const PATCH = route(API.updateModel, async ({ user, params, body }) => {
  const { db } = serverContext();
  const found = await db.model.findUnique({ where: { name: params.name } });
  if (!found) throw notFound(`model '${params.name}'`);
  requireTeamRole(user, found.teamId, 'member', `model '${params.name}'`);
  await db.$transaction(async (tx) => {
    await tx.model.update({ where: { id: found.id }, data: { description: body.description, tags: body.tags } });
    await recordAudit(tx, {
      actor: user.email,
      action: 'model.update',
      targetKind: 'model',
      targetName: found.name,
      teamId: found.teamId,
      details: { fields: Object.keys(body).filter((k) => body[k as keyof typeof body] !== undefined) },
    });
  });
  const model = await db.model.findUniqueOrThrow({ where: { id: found.id }, include: modelInclude });
  return { model: serializeModel(model, await versionsInUse(db, model.id)) };
});
