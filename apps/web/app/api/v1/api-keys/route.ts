import { generateApiKey, recordAudit } from '@slipway/db';
import { scopedDeploymentIds, scopedDeploymentNames } from '@/lib/server/api-key-scope';
import { serverContext } from '@/lib/server/context';
import { webEnv } from '@/lib/server/env';
import { ApiError, forbidden } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';
import { serializeApiKey } from '@/lib/server/serializers';

export const GET = route(API.listApiKeys, async ({ user }) => {
  const { db } = serverContext();
  const keys = await db.apiKey.findMany({
    where: { userId: user.id, revokedAt: null },
    orderBy: { createdAt: 'desc' },
  });
  const names = await scopedDeploymentNames(db, keys);
  return { apiKeys: keys.map((k) => serializeApiKey(k, names)) };
});

export const POST = route(API.createApiKey, async ({ user, body }) => {
  if (body.rateLimitPerSecond !== undefined && !user.isAdmin) throw forbidden("only platform admins can set a key's rate limit");
  const { key, prefix, hash } = generateApiKey();
  const max = webEnv().SLIPWAY_MAX_API_KEYS_PER_USER;
  const { db } = serverContext();
  const deploymentIds = await scopedDeploymentIds(db, user, body.deployments);
  const apiKey = await db.$transaction(async (tx) => {
    // One creation per user at a time, so two at once cannot both take the last place.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`api-keys:${user.id}`}))`;
    const active = await tx.apiKey.count({ where: { userId: user.id, revokedAt: null } });
    if (active >= max) throw new ApiError('conflict', `you have ${active} active API keys, the most allowed; revoke one you no longer use first`);
    const created = await tx.apiKey.create({
      data: {
        name: body.name,
        prefix,
        hash,
        userId: user.id,
        rateLimitPerSecond: body.rateLimitPerSecond ?? null,
        scope: body.scope,
        deploymentIds,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      },
    });
    await recordAudit(tx, {
      actor: user.email,
      action: 'api_key.create',
      targetKind: 'api_key',
      targetName: `${body.name} (${prefix}…)`,
      details: { scope: body.scope, deployments: body.deployments, expiresAt: body.expiresAt ?? null },
    });
    return created;
  });
  const names = new Map(deploymentIds.map((id, i) => [id, [...new Set(body.deployments)][i]!]));
  return Response.json({ apiKey: serializeApiKey(apiKey, names), key }, { status: 201 });
});
