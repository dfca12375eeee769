import { recordEvent, rollback } from '@slipway/controller';
import { Prisma } from '@slipway/db';
import { type Controller, LIVE } from './context';
import { stopReplicas } from './replicas';
import type { RoutingUpdate } from './routing';

/**
 * A rollout that cannot succeed: with a stable revision to go back to, roll back to it automatically (a new
 * revision, so the history says so; 'again' converges towards it); a first deployment fails, out of routing
 * before its replicas stop.
 */
export async function failRollout(
  c: Controller,
  deploymentId: string,
  stable: number | null,
  target: number,
  reason: string,
  routing: RoutingUpdate,
): Promise<'again' | void> {
  const deployment = await c.db.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
  if (stable !== null) {
    await recordEvent(c.db, deploymentId, {
      step: 'rollback',
      level: 'error',
      message: `Revision ${target} rolled back automatically: ${reason}`,
      progress: 0,
    });
    await rollback(c.transitions, deployment, stable, { author: 'controller', supersede: true, reason: `automatic rollback of revision ${target}: ${reason}` });
    await c.db.deployment.update({ where: { id: deploymentId }, data: { statusReason: `Revision ${target} was rolled back: ${reason}` } });
    return 'again';
  }
  await c.db.deployment.update({ where: { id: deploymentId }, data: { status: 'failed', statusReason: reason, rollout: Prisma.DbNull } });
  await routing.beforeStopping();
  const live = await c.db.replica.findMany({ where: { variant: { deploymentId }, state: { in: [...LIVE, 'draining'] } } });
  await stopReplicas(c, live, 'failed');
  await recordEvent(c.db, deploymentId, { step: 'failed', level: 'error', message: `Rollout failed: ${reason}`, progress: 1 });
}
