import { serverContext } from '@/lib/server/context';
import { route } from '@/lib/server/route';

export const GET = route({}, async ({ user }) => {
  const teams = await serverContext().db.team.findMany({
    where: { id: { in: [...user.roles.keys()] } },
    orderBy: { name: 'asc' },
  });
  return {
    user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin },
    teams: teams.map((t) => ({ id: t.id, name: t.name, role: user.roles.get(t.id)! })),
  };
});
