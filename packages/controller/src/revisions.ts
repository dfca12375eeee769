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

const lockRow = (tx: Prisma.TransactionClient, deploymentId: string) => tx.$queryRaw`SELECT id FROM "Deployment" WHERE id = ${deploymentId}::uuid FOR UPDATE`;

/**
 * Locks the deployment's row until the transaction ends and reads it as it stands then: checks made on
 * this row (a rollout in progress, the status) hold until the revision they admit is written.
 */
export async function lockDeployment(tx: Prisma.TransactionClient, deploymentId: string) {
  await lockRow(tx, deploymentId);
  return tx.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
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
  await lockRow(tx, deploymentId);
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
