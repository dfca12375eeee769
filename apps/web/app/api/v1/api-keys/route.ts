import { generateApiKey } from '@slipway/db';
import { z } from 'zod';
import { serverContext } from '@/lib/server/context';
import { route } from '@/lib/server/route';

const serialize = (k: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null }) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
});

export const GET = route({}, async ({ user }) => {
  const keys = await serverContext().db.apiKey.findMany({
    where: { userId: user.id, revokedAt: null },
    orderBy: { createdAt: 'desc' },
  });
  return { apiKeys: keys.map(serialize) };
});

/** The plaintext key is in this one response only; the database keeps its hash. */
export const POST = route({ body: z.object({ name: z.string().trim().min(1).max(100) }) }, async ({ user, body }) => {
  const { key, prefix, hash } = generateApiKey();
  const apiKey = await serverContext().db.apiKey.create({ data: { name: body.name, prefix, hash, userId: user.id } });
  return Response.json({ apiKey: serialize(apiKey), key }, { status: 201 });
});
