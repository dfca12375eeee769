import type { TeamRole } from '@slipway/db';
import { requireTeamRole, type SessionUser } from './auth';
import { serverContext } from './context';
import { notFound } from './errors';
import { versionInclude } from './serializers';

/** A version by its model's name and its label (`3` or `v3`), after checking the caller's role on the model. */
export async function findVersion(user: SessionUser, params: { name: string; label: string }, minimum: TeamRole) {
  const { db } = serverContext();
  const model = await db.model.findUnique({ where: { name: params.name } });
  if (!model) throw notFound(`model '${params.name}'`);
  requireTeamRole(user, model.teamId, minimum, `model '${params.name}'`);
  const label = Number(params.label.replace(/^v/, ''));
  const version = Number.isInteger(label)
    ? await db.modelVersion.findUnique({ where: { modelId_label: { modelId: model.id, label } }, include: versionInclude })
    : null;
  if (!version) throw notFound(`version '${params.label}' of '${params.name}'`);
  return version;
}
