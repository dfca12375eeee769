import { SecretKeyError, sealSecret, secretKeyFrom } from '@slipway/controller';
import type { Db } from '@slipway/db';
import { type SessionUser, requireTeamRole } from './auth';
import { ApiError, notFound } from './errors';

/** What any API tells about a secret: never its value. */
export interface SecretSummary {
  name: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function serializeSecret(row: { name: string; version: number; createdAt: Date; updatedAt: Date }): SecretSummary {
  return { name: row.name, version: row.version, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** The team, checked to exist and to give the user at least `minimum` (404 for a team the user cannot see). */
export async function teamForSecrets(db: Db, user: SessionUser, teamId: string, minimum: 'viewer' | 'member'): Promise<{ id: string }> {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { id: true } });
  if (!team) throw notFound('team');
  requireTeamRole(user, team.id, minimum, 'team');
  return team;
}

/** The sealing key, or a 500 that says what the operator must set (not the caller's mistake). */
export function sealingKey(value: string | undefined): Buffer {
  try {
    return secretKeyFrom(value);
  } catch (error) {
    if (error instanceof SecretKeyError) throw new ApiError('internal', error.message);
    throw error;
  }
}

/** Creates or rotates a secret (a rotation bumps its version); one writer per team and name at a time. */
export async function putSecret(db: Db, key: Buffer, teamId: string, name: string, value: string): Promise<SecretSummary> {
  const sealed = sealSecret(key, teamId, name, value);
  const row = await db.teamSecret.upsert({
    where: { teamId_name: { teamId, name } },
    create: { teamId, name, sealed },
    update: { sealed, version: { increment: 1 } },
  });
  return serializeSecret(row);
}
