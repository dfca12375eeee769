import { recordEvent } from '@slipway/controller';
import { Prisma } from '@slipway/db';
import type { Requeue } from '@slipway/queue';
import { type Controller, LIVE } from './context';
import { drainsDue } from './drain';
import { stopReplicas } from './replicas';
import type { RoutingUpdate } from './routing';

/**
 * A deployment being stopped: out of routing first (a stopping deployment is not in the table), then every
 * replica drains, then stops, and the deployment is stopped.
 */
export async function stopDeployment(c: Controller, deploymentId: string, routing: RoutingUpdate): Promise<void | Requeue> {
  const live = await c.db.replica.findMany({ where: { variant: { deploymentId }, state: { in: [...LIVE] } } });
  if (live.length > 0) {
    await c.db.replica.updateMany({ where: { id: { in: live.map((r) => r.id) } }, data: { state: 'draining' } });
    routing.markDirty();
    return { requeueAfterMs: c.drainMs };
  }
  const draining = await c.db.replica.findMany({ where: { variant: { deploymentId }, state: 'draining' } });
  const { nextInMs } = drainsDue(draining, c.clock(), c.drainMs);
  if (nextInMs !== null) return { requeueAfterMs: nextInMs };
  await routing.beforeStopping();
  await stopReplicas(c, draining, 'stopped');
  await c.db.variant.updateMany({ where: { deploymentId }, data: { trafficWeight: 0, mirrorPercent: 0 } });
  const { count } = await c.db.deployment.updateMany({
    where: { id: deploymentId, status: 'stopping' },
    data: { status: 'stopped', stableRevision: null, rollout: Prisma.DbNull },
  });
  if (count > 0) await recordEvent(c.db, deploymentId, { step: 'stopped', message: `Stopped ${draining.length} replica(s)`, progress: 1 });
}
