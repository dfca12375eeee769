import { recordAudit } from '@slipway/db';
import { z } from 'zod';
import { serverContext } from '@/lib/server/context';
import { notFound } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { quotaUpdate, serializeTeam, usageByTeam } from '@/lib/server/teams';

/**
 * Admins set any of a team's quotas (null lifts one): storage (uploads over it are refused before
 * their bytes are committed) and compute (deploys and changes whose worst case would pass it are refused).
 */
export const PATCH = route(API.updateTeam, async ({ user, params, body }) => {
  const { db } = serverContext();
  const exists = z.uuid().safeParse(params.id).success && (await db.team.findUnique({ where: { id: params.id } }));
  if (!exists) throw notFound(`team '${params.id}'`);
  const team = await db.$transaction(async (tx) => {
    const updated = await tx.team.update({ where: { id: params.id }, data: quotaUpdate(body) });
    await recordAudit(tx, { actor: user.email, action: 'team.quota', targetKind: 'team', targetName: updated.name, teamId: updated.id, details: body });
    return updated;
  });
  return { team: serializeTeam(team, (await usageByTeam(db, [team.id])).get(team.id)) };
});
