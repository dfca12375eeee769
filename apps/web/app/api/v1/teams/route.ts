import { z } from 'zod';
import { serverContext } from '@/lib/server/context';
import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';
import { serializeTeam, storageQuotaSchema, toQuota } from '@/lib/server/teams';

const teamInclude = { memberships: { include: { user: { select: { id: true, email: true, name: true } } } } } as const;

export const GET = route({ auth: 'admin' }, async () => {
  const teams = await serverContext().db.team.findMany({ include: teamInclude, orderBy: { name: 'asc' } });
  const usage = await serverContext().db.modelVersion.groupBy({ by: ['modelId'], _sum: { sizeBytes: true } });
  const models = await serverContext().db.model.findMany({ select: { id: true, teamId: true } });
  const teamOf = new Map(models.map((m) => [m.id, m.teamId]));
  const used = new Map<string, number>();
  for (const u of usage) {
    const teamId = teamOf.get(u.modelId)!;
    used.set(teamId, (used.get(teamId) ?? 0) + Number(u._sum.sizeBytes ?? 0n));
  }
  return {
    teams: teams.map((t) => ({
      ...serializeTeam(t),
      storageUsedBytes: used.get(t.id) ?? 0,
      members: t.memberships.map((m) => ({ user: m.user, role: m.role })),
    })),
  };
});

export const POST = route(
  { auth: 'admin', body: z.object({ name: z.string().trim().min(2).max(63), storageQuotaBytes: storageQuotaSchema.optional() }) },
  async ({ body }) => {
    const { db } = serverContext();
    if (await db.team.findUnique({ where: { name: body.name } })) throw new ApiError('conflict', `team '${body.name}' already exists`);
    const team = await db.team.create({ data: { name: body.name, storageQuotaBytes: toQuota(body.storageQuotaBytes) } });
    return Response.json({ team: { ...serializeTeam(team), storageUsedBytes: 0, members: [] } }, { status: 201 });
  },
);
