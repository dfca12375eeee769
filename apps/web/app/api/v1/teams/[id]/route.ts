import { z } from 'zod';
import { serverContext } from '@/lib/server/context';
import { notFound } from '@/lib/server/errors';
import { route } from '@/lib/server/route';
import { serializeTeam, storageQuotaSchema, toQuota } from '@/lib/server/teams';

/** Admins set a team's storage quota (uploads over it are refused before their bytes are committed). */
export const PATCH = route<{ id: string }, z.ZodType<{ storageQuotaBytes: number | null }>>(
  { auth: 'admin', body: z.object({ storageQuotaBytes: storageQuotaSchema }) },
  async ({ params, body }) => {
    const { db } = serverContext();
    const exists = z.uuid().safeParse(params.id).success && (await db.team.findUnique({ where: { id: params.id } }));
    if (!exists) throw notFound(`team '${params.id}'`);
    const team = await db.team.update({ where: { id: params.id }, data: { storageQuotaBytes: toQuota(body.storageQuotaBytes) } });
    return { team: serializeTeam(team) };
  },
);
