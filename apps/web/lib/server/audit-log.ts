import type { Db, Prisma } from '@slipway/db';
import { z } from 'zod';

export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the page before: entries older than that one. */
  before: z.uuid().optional(),
  /** Only one kind of thing: deployment, api_key, team, user, secret, model, machine_type. */
  kind: z.enum(['deployment', 'api_key', 'team', 'user', 'secret', 'model', 'machine_type']).optional(),
});
export type AuditQuery = z.infer<typeof auditQuery>;

/** One page of the audit log, newest first, with the cursor of the next (older) page. */
export async function auditPage(db: Db, query: AuditQuery) {
  const where: Prisma.AuditEntryWhereInput = query.kind ? { targetKind: query.kind } : {};
  if (query.before) {
    const cursor = await db.auditEntry.findUnique({ where: { id: query.before }, select: { at: true, id: true } });
    if (cursor) where.OR = [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: cursor.id } }];
  }
  const rows = await db.auditEntry.findMany({ where, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const teamIds = [...new Set(page.flatMap((e) => (e.teamId ? [e.teamId] : [])))];
  const teams = new Map((await db.team.findMany({ where: { id: { in: teamIds } }, select: { id: true, name: true } })).map((t) => [t.id, t.name]));
  return {
    entries: page.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      actor: e.actor,
      action: e.action,
      targetKind: e.targetKind,
      targetName: e.targetName,
      team: e.teamId ? { id: e.teamId, name: teams.get(e.teamId) ?? null } : null,
      details: e.details ?? null,
    })),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
