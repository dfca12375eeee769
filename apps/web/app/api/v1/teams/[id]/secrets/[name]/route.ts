import { serverContext } from '@/lib/server/context';
import { notFound } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { teamForSecrets } from '@/lib/server/secrets';

export const DELETE = route(API.deleteTeamSecret, async ({ user, params }) => {
  const { db } = serverContext();
  const team = await teamForSecrets(db, user, params.id, 'member');
  const { count } = await db.teamSecret.deleteMany({ where: { teamId: team.id, name: params.name } });
  if (count === 0) throw notFound(`secret '${params.name}'`);
  return new Response(null, { status: 204 });
});
