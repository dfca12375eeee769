import type { Prisma } from './generated/client';

/** What an audit entry says: who did what to which thing (of which team), with any details worth keeping. */
export interface AuditInput {
  actor: string;
  /** `<kind>.<verb>`: `deployment.delete`, `api_key.create`, `team.quota`, `user.create`, `secret.set`… */
  action: string;
  targetKind: 'deployment' | 'api_key' | 'team' | 'user' | 'secret' | 'model' | 'machine_type';
  targetName: string;
  teamId?: string | null;
  details?: Prisma.InputJsonValue;
}

/**
 * Writes an audit entry. Call it with the transaction that makes the change, so the change and its record
 * commit or roll back together: `db.$transaction(async (tx) => { …change…; await recordAudit(tx, {…}) })`.
 */
export async function recordAudit(tx: Pick<Prisma.TransactionClient, 'auditEntry'>, input: AuditInput): Promise<void> {
  await tx.auditEntry.create({
    data: {
      actor: input.actor,
      action: input.action,
      targetKind: input.targetKind,
      targetName: input.targetName,
      teamId: input.teamId ?? null,
      details: input.details,
    },
  });
}
