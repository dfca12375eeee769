import type { Db, Prisma } from '@slipway/db';
import { hasTeamRole, type SessionUser } from './auth';
import { ApiError } from './errors';

/**
 * The ids of the deployments a new key is scoped to, by name: each one must exist and be the user's teams' (as a
 * viewer at least); a name the user may not see is answered like one that does not exist.
 */
export async function scopedDeploymentIds(db: Db | Prisma.TransactionClient, user: SessionUser, names: readonly string[]): Promise<string[]> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  const rows = await db.deployment.findMany({ where: { name: { in: unique } }, select: { id: true, name: true, teamId: true } });
  const visible = new Map(rows.filter((d) => hasTeamRole(user, d.teamId, 'viewer')).map((d) => [d.name, d.id]));
  const missing = unique.filter((n) => !visible.has(n));
  if (missing.length > 0)
    throw new ApiError('validation_error', `deployments: no deployment named ${missing.map((n) => `'${n}'`).join(', ')} that you can see`);
  return unique.map((n) => visible.get(n)!);
}

/** Names of the deployments (not deleted) the keys are scoped to, by id. */
export async function scopedDeploymentNames(db: Db, keys: readonly { deploymentIds: string[] }[]): Promise<Map<string, string>> {
  const ids = [...new Set(keys.flatMap((k) => k.deploymentIds))];
  if (ids.length === 0) return new Map();
  const rows = await db.deployment.findMany({ where: { id: { in: ids }, deletedAt: null }, select: { id: true, name: true } });
  return new Map(rows.map((d) => [d.id, d.name]));
}
