import { z } from 'zod';
import { serverContext } from '@/lib/server/context';
import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';

const teamInclude = { memberships: { include: { user: { select: { id: true, email: true, name: true } } } } } as const;

export const GET = route({ auth: 'admin' }, async () => {
  const teams = await serverContext().db.team.findMany({ include: teamInclude, orderBy: { name: 'asc' } });
  return {
    teams: teams.map((t) => ({ id: t.id, name: t.name, members: t.memberships.map((m) => ({ user: m.user, role: m.role })) })),
  };
});

export const POST = route(
  { auth: 'admin', body: z.object({ name: z.string().trim().min(2).max(63) }) },
  async ({ body }) => {
    const { db } = serverContext();
    if (await db.team.findUnique({ where: { name: body.name } })) throw new ApiError('conflict', `team '${body.name}' already exists`);
    const team = await db.team.create({ data: { name: body.name } });
    return Response.json({ team: { id: team.id, name: team.name, members: [] } }, { status: 201 });
  },
);
