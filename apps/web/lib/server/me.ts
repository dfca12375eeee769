import type { SessionUser } from './auth';
import { serverContext } from './context';

/** GET /me: who is signed in, and their role in each of their teams. */
export async function describeMe(user: SessionUser) {
  const teams = await serverContext().db.team.findMany({
    where: { id: { in: [...user.roles.keys()] } },
    orderBy: { name: 'asc' },
  });
  return {
    user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin },
    teams: teams.map((t) => ({ id: t.id, name: t.name, role: user.roles.get(t.id)! })),
  };
}
