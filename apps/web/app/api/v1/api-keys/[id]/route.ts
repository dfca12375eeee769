import { channels } from '@slipway/queue';
import { serverContext } from '@/lib/server/context';
import { webEnv } from '@/lib/server/env';
import { notFound } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

export const DELETE = route(API.revokeApiKey, async ({ user, params }) => {
  const { db, redis } = serverContext();
  const { count } = await db.apiKey.updateMany({
    where: { id: params.id, userId: user.id, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw notFound('API key');
  // Gateways cache keys in memory: tell them to forget.
  await redis.publish(channels(webEnv().SLIPWAY_PREFIX).apiKeysChanged, params.id);
  return new Response(null, { status: 204 });
});
