import { serverContext } from '@/lib/server/context';
import { webEnv } from '@/lib/server/env';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { putSecret, sealingKey, serializeSecret, teamForSecrets } from '@/lib/server/secrets';

/** Names and dates only: a secret's value leaves the platform only as a service process's environment variable. */
export const GET = route(API.listTeamSecrets, async ({ user, params }) => {
  const { db } = serverContext();
  const team = await teamForSecrets(db, user, params.id, 'viewer');
  const rows = await db.teamSecret.findMany({ where: { teamId: team.id }, orderBy: { name: 'asc' } });
  return { secrets: rows.map(serializeSecret) };
});

/** Sets (or rotates) a secret; the answer says which version is now stored, never the value. */
export const PUT = route(API.putTeamSecret, async ({ user, params, body }) => {
  const { db } = serverContext();
  const team = await teamForSecrets(db, user, params.id, 'member');
  const secret = await putSecret(db, sealingKey(webEnv().SLIPWAY_SECRET_KEY), team.id, body.name, body.value);
  return { secret };
});
