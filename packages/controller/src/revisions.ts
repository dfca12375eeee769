import { deploymentSpecSchema, type DeploymentSpec } from '@slipway/core';
import { Prisma, type Db } from '@slipway/db';

type Tx = Prisma.TransactionClient | Db;

export interface RevisionRow {
  number: number;
  spec: DeploymentSpec;
  reason: string;
  author: string;
  createdAt: Date;
}

/** A revision's spec, parsed: revisions are written only through `appendRevision`, so they parse. */
export async function loadRevision(db: Tx, deploymentId: string, number: number | null): Promise<RevisionRow | null> {
  if (!number) return null;
  const row = await db.deploymentRevision.findUnique({ where: { deploymentId_number: { deploymentId, number } } });
  return row && { number: row.number, spec: deploymentSpecSchema.parse(row.spec), reason: row.reason, author: row.author, createdAt: row.createdAt };
}

/**
 * Appends the next revision and makes it the target: the controller starts over towards it
 * (fresh rollout state, people's pause and promote cleared). The deployment row is locked so two
 * concurrent changes get consecutive numbers.
 */
export async function appendRevision(
  tx: Prisma.TransactionClient,
  deploymentId: string,
  spec: DeploymentSpec,
  change: { reason: string; author: string; status?: 'pending' },
): Promise<number> {
  await tx.$queryRaw`SELECT id FROM "Deployment" WHERE id = ${deploymentId}::uuid FOR UPDATE`;
  const last = await tx.deploymentRevision.findFirst({ where: { deploymentId }, orderBy: { number: 'desc' }, select: { number: true } });
  const number = (last?.number ?? 0) + 1;
  await tx.deploymentRevision.create({
    data: { deploymentId, number, spec: deploymentSpecSchema.parse(spec) as Prisma.InputJsonValue, reason: change.reason, author: change.author },
  });
  await tx.deployment.update({
    where: { id: deploymentId },
    data: {
      targetRevision: number,
      rollout: Prisma.DbNull,
      rolloutPaused: false,
      rolloutPromoted: false,
      statusReason: null,
      ...(change.status && { status: change.status }),
    },
  });
  return number;
}

/** A rollout is in progress while the target revision is not yet the stable one. */
export function rolloutInProgress(d: { status: string; targetRevision: number; stableRevision: number | null }): boolean {
  return (d.status === 'pending' || d.status === 'deploying') && d.targetRevision !== d.stableRevision;
}
