import type { Db, EventLevel, Prisma } from '@slipway/db';

/** Appends one step to the deployment's timeline (the page shows it live). */
export async function recordEvent(
  db: Db | Prisma.TransactionClient,
  deploymentId: string,
  event: { step: string; message: string; progress: number; level?: EventLevel },
): Promise<void> {
  await db.deploymentEvent.create({
    data: { deploymentId, step: event.step, message: event.message, progress: event.progress, level: event.level ?? 'info' },
  });
}
