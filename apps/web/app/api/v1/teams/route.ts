import { serverContext } from '@/lib/server/context';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { serializeTeamWithMembers, toQuota, usageByTeam } from '@/lib/server/teams';

const teamInclude = { memberships: { include: { user: { select: { id: true, email: true, name: true } } } } } as const;

export const GET = route(API.listTeams, async () => {
  const { db } = serverContext();
  const [teams, usage] = await Promise.all([db.team.findMany({ include: teamInclude, orderBy: { name: 'asc' } }), usageByTeam(db, null)]);
  return {
    teams: teams.map((t) => serializeTeamWithMembers(t, usage.get(t.id))),
  };
});

export const POST = route(API.createTeam, async ({ body }) => {
  const { db } = serverContext();
  if (await db.team.findUnique({ where: { name: body.name } })) throw new ApiError('conflict', `team '${body.name}' already exists`);
  const team = await db.team.create({ data: { name: body.name, storageQuotaBytes: toQuota(body.storageQuotaBytes) } });
  return Response.json({ team: serializeTeamWithMembers({ ...team, memberships: [] }) }, { status: 201 });
});
