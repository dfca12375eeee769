import { generateApiKey } from '@slipway/db';
import { serverContext } from '@/lib/server/context';
import { webEnv } from '@/lib/server/env';
import { ApiError, forbidden } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { serializeApiKey } from '@/lib/server/serializers';

export const GET = route(API.listApiKeys, async ({ user }) => {
  const keys = await serverContext().db.apiKey.findMany({
    where: { userId: user.id, revokedAt: null },
    orderBy: { createdAt: 'desc' },
  });
  return { apiKeys: keys.map(serializeApiKey) };
});

export const POST = route(API.createApiKey, async ({ user, body }) => {
  if (body.rateLimitPerSecond !== undefined && !user.isAdmin) throw forbidden("only platform admins can set a key's rate limit");
  const { key, prefix, hash } = generateApiKey();
  const max = webEnv().SLIPWAY_MAX_API_KEYS_PER_USER;
  const apiKey = await serverContext().db.$transaction(async (tx) => {
    // One creation per user at a time, so two at once cannot both take the last place.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`api-keys:${user.id}`}))`;
    const active = await tx.apiKey.count({ where: { userId: user.id, revokedAt: null } });
    if (active >= max) throw new ApiError('conflict', `you have ${active} active API keys, the most allowed; revoke one you no longer use first`);
    return tx.apiKey.create({ data: { name: body.name, prefix, hash, userId: user.id, rateLimitPerSecond: body.rateLimitPerSecond ?? null } });
  });
  return Response.json({ apiKey: serializeApiKey(apiKey), key }, { status: 201 });
});
