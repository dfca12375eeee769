import { recordAudit } from '@slipway/db';
import { publishAccessChanged } from '@slipway/queue';
import { serverContext } from '@/lib/server/context';
import { webEnv } from '@/lib/server/env';
import { notFound } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** Adds the user to the team, or changes their role if they are in it already. */
export const POST = route(API.addTeamMember, async ({ user: admin, body, params }) => {
  const { db, redis } = serverContext();
  const team = await db.team.findUnique({ where: { id: params.id } });
  if (!team) throw notFound('team');
  const user = await db.user.findUnique({ where: { email: body.email } });
  if (!user) throw notFound(`user '${body.email}'`);
  await db.$transaction(async (tx) => {
    await tx.membership.upsert({
      where: { userId_teamId: { userId: user.id, teamId: team.id } },
      update: { role: body.role },
      create: { userId: user.id, teamId: team.id, role: body.role },
    });
    await recordAudit(tx, {
      actor: admin.email,
      action: 'team.member',
      targetKind: 'user',
      targetName: user.email,
      teamId: team.id,
      details: { team: team.name, role: body.role },
    });
  });
  // Gateways cache who may call what: the member's keys must reach the team's deployments now.
  await publishAccessChanged(redis, webEnv().SLIPWAY_PREFIX, `membership:${user.id}`);
  return Response.json({ member: { user: { id: user.id, email: user.email, name: user.name }, role: body.role } }, { status: 201 });
});
