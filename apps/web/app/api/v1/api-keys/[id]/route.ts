import { recordAudit } from '@slipway/db';
import { channels } from '@slipway/queue';
import { serverContext } from '@/lib/server/context';
import { webEnv } from '@/lib/server/env';
import { notFound } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

export const DELETE = route(API.revokeApiKey, async ({ user, params }) => {
  const { db, redis } = serverContext();
  await db.$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({ where: { id: params.id, userId: user.id, revokedAt: null } });
    const { count } = await tx.apiKey.updateMany({ where: { id: params.id, userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (!key || count === 0) throw notFound('API key');
    await recordAudit(tx, { actor: user.email, action: 'api_key.revoke', targetKind: 'api_key', targetName: `${key.name} (${key.prefix}…)` });
  });
  // Gateways cache keys in memory: tell them to forget.
  await redis.publish(channels(webEnv().SLIPWAY_PREFIX).apiKeysChanged, params.id);
  return new Response(null, { status: 204 });
});
