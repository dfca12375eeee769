import { visibleTeamIds } from '@/lib/server/auth';
import { serverContext } from '@/lib/server/context';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { serializeTeam, usageByTeam } from '@/lib/server/teams';

/**
 * Quotas and usage of the caller's teams (platform admins: every team, as they may deploy into any),
 * with each deployment's worst case so a form can leave out the one it changes.
 */
export const GET = route(API.getUsage, async ({ user }) => {
  const { db } = serverContext();
  const teamIds = visibleTeamIds(user);
  const [teams, usage] = await Promise.all([
    db.team.findMany({ where: teamIds ? { id: { in: teamIds } } : {}, orderBy: { name: 'asc' } }),
    usageByTeam(db, teamIds),
  ]);
  return {
    teams: teams.map((t) => {
      const used = usage.get(t.id);
      const team = serializeTeam(t, used);
      return { ...team, role: user.roles.get(t.id) ?? null, compute: { ...team.compute, deployments: used?.deployments ?? [] } };
    }),
  };
});
