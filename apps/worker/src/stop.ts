import type { ReplicaState } from '@slipway/db';
import type { WorkerContext } from './context';
import { recordEvent } from './events';
import { publishRoutingTable } from './routing-publisher';

/** Stops every live replica of a deployment and marks it with `finalState`. */
export async function stopReplicas(ctx: WorkerContext, deploymentId: string, finalState: ReplicaState = 'stopped'): Promise<number> {
  const live = await ctx.db.replica.findMany({
    where: { variant: { deploymentId }, state: { in: ['starting', 'ready'] } },
  });
  await Promise.all(live.map((r) => ctx.driver.stop({ id: r.id, pid: r.pid })));
  if (live.length > 0) {
    await ctx.db.replica.updateMany({ where: { id: { in: live.map((r) => r.id) } }, data: { state: finalState } });
  }
  return live.length;
}

/** Takes a deployment out of the routing table first, then stops its processes. */
export async function stopDeployment(ctx: WorkerContext, deploymentId: string): Promise<void> {
  const deployment = await ctx.db.deployment.findUnique({ where: { id: deploymentId } });
  if (!deployment || deployment.status === 'stopped') return;
  await ctx.db.deployment.update({ where: { id: deploymentId }, data: { status: 'stopping' } });
  await publishRoutingTable(ctx.db, ctx.redis, ctx.prefix);
  const stopped = await stopReplicas(ctx, deploymentId);
  await ctx.db.deployment.update({ where: { id: deploymentId }, data: { status: 'stopped' } });
  await recordEvent(ctx.db, deploymentId, { step: 'stopped', message: `Stopped ${stopped} replica(s)`, progress: 1 });
}
